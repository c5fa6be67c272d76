// kefu-teaser.js: the proactive greeting of <kefu-chat greeting="…"> on h5, loaded by the loader
// only for pages that ask for it, when the page is idle.
//
// A bubble by the launcher says the greeting (the attribute's text, or a default) after
// `greeting-delay` seconds (default 15), or sooner when a desktop visitor's pointer leaves the
// page through its top edge (exit intent). It shows once per tab session (sessionStorage), never
// while or after the chat is open (nor in a tab with a saved conversation), is dismissed by its close button, and opens the chat when
// clicked. Its words are in a role="status" region present from the start, so screen readers
// announce them politely, once.

const WORDS = {
  zh: { greeting: '您好！有什么可以帮您？', dismiss: '关闭提示' },
  en: { greeting: 'Hello! Can we help you?', dismiss: 'Dismiss' },
};
/** Set once the greeting was shown or the chat opened in this tab. */
const SEEN = 'kefu-widget-greeted';
const CSS = `
.kefu-teaser {
  position: fixed; right: 20px; bottom: 88px; z-index: var(--kefu-z, 2147483000); box-sizing: border-box;
  display: flex; align-items: flex-start; gap: 4px; max-width: min(300px, calc(100vw - 40px));
  padding: 8px 6px 8px 14px; border: 1px solid var(--k-line, #e5e7eb); border-radius: 14px 14px 4px 14px;
  background: var(--k-bg, #fff); color: var(--k-text, #111827); box-shadow: 0 6px 20px rgba(15, 23, 42, .2);
  font: 15px/1.5 var(--kefu-font, var(--kefu-font-default, system-ui, sans-serif)); cursor: pointer;
}
.kefu-teaser:not(.kefu-teaser-on) {
  width: 1px; height: 1px; padding: 0; border: 0; overflow: hidden; clip-path: inset(50%); box-shadow: none;
}
.kefu-teaser p { flex: 1; margin: 4px 0; }
.kefu-teaser button {
  flex: none; width: 32px; height: 32px; border: 0; border-radius: 50%; background: none; color: inherit;
  font-size: 20px; line-height: 1; cursor: pointer;
}
.kefu-teaser button:focus-visible { outline: 3px solid var(--kefu-focus, #f59e0b); }
@media (max-width: 480px) { .kefu-teaser { right: 12px; } }
`;

let styled = false;

/** Whether this tab was greeted, or has a conversation (persist.rs keeps it as `kefu-widget|…`). */
function seen() {
  try {
    return sessionStorage.getItem(SEEN) === '1' || Object.keys(sessionStorage).some((k) => k.startsWith('kefu-widget|'));
  } catch {
    return false;
  }
}

function markSeen() {
  try {
    sessionStorage.setItem(SEEN, '1');
  } catch {
    // Storage is blocked: the greeting may show again after a reload.
  }
}

/** The teaser's rules, once, as a constructed stylesheet (which a page's style-src allows). */
function style() {
  if (styled) return true;
  if (!('adoptedStyleSheets' in document)) return false;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  styled = true;
  return true;
}

/**
 * Arms the greeting for `chat` (a `<kefu-chat>` on h5 with a `greeting` attribute): nothing
 * happens when it was seen in this tab, the chat is open, or the browser cannot style it.
 * Returns a function that disarms it.
 */
export function arm(chat) {
  if (seen() || chat.isOpen || chat.chat || !chat.launcher || !style()) return () => {};
  const words = (chat.getAttribute('lang') || '').toLowerCase().startsWith('en') ? WORDS.en : WORDS.zh;
  const text = (chat.getAttribute('greeting') || '').trim() || words.greeting;
  const delayText = chat.getAttribute('greeting-delay');
  const delay = delayText === null || delayText.trim() === '' ? 15 : Number(delayText);
  const teaser = document.createElement('div');
  teaser.className = 'kefu-teaser';
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', words.dismiss);
  close.hidden = true;
  teaser.append(status, close);
  chat.prepend(teaser);

  let timer;
  // Exit intent: a mouse leaving the page through its top edge (towards the tabs or the address
  // bar). Touch screens never do this: a tap's mouse events happen where the finger is.
  const exit = (event) => {
    if (!event.relatedTarget && event.clientY <= 0) show();
  };
  const disarm = () => {
    clearTimeout(timer);
    document.removeEventListener('mouseout', exit);
    chat.removeEventListener('open', opened);
    teaser.remove();
  };
  const opened = () => {
    markSeen();
    disarm();
  };
  function show() {
    if (teaser.classList.contains('kefu-teaser-on') || seen() || chat.isOpen) return;
    markSeen();
    clearTimeout(timer);
    document.removeEventListener('mouseout', exit);
    teaser.classList.add('kefu-teaser-on');
    close.hidden = false;
    status.textContent = text;
  }
  close.addEventListener('click', (event) => {
    event.stopPropagation();
    chat.launcher.focus();
    disarm();
  });
  teaser.addEventListener('click', () => {
    if (teaser.classList.contains('kefu-teaser-on')) chat.show();
  });
  chat.addEventListener('open', opened);
  if (Number.isFinite(delay) && delay >= 0) timer = setTimeout(show, delay * 1000);
  document.addEventListener('mouseout', exit);
  return disarm;
}
