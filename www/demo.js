// The demo pages' own script: `?lang=en` switches the widget to English, `?theme=dark` (or
// `light`, `auto`) sets its theme, `?greeting=TEXT&greeting-delay=S` turns on the proactive
// greeting (an empty TEXT for the default words), `?rating-url=URL` POSTs satisfaction ratings
// there; the host-page events
// are listed on the page. For the end-to-end tests it also keeps the events in
// `window.kefuEvents` and any Content-Security-Policy violation in `window.kefuCsp`.
window.kefuCsp = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.kefuCsp.push(`${event.violatedDirective} ${event.blockedURI}`);
});
const chat = document.querySelector('kefu-chat');
const params = new URLSearchParams(location.search);
for (const name of ['lang', 'theme', 'greeting', 'greeting-delay', 'rating-url']) {
  if (chat && params.has(name)) chat.setAttribute(name, params.get(name));
}
window.kefuEvents = [];
for (const name of ['open', 'close', 'message', 'transfer', 'finish', 'rating', 'error']) {
  chat?.addEventListener(name, (event) => {
    window.kefuEvents.push({ type: name, detail: event.detail ?? null });
    const list = document.getElementById('events');
    if (list) {
      const item = document.createElement('li');
      item.textContent = event.detail ? `${name}: ${JSON.stringify(event.detail)}` : name;
      list.append(item);
    }
  });
}
