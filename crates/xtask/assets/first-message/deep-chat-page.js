// The peer of `cargo xtask bench first-message`: deep-chat 2.4 (npm, its one-file bundle) speaking
// the botdm loop kefu's widget speaks, through the same kefu-proxy to the same sandbox, with the
// wx_mp demo page's bot, channel and variables. Written as a page using deep-chat would be: the
// bundle loads, the element is made and shown, and `start` goes out; each `evt.say` is shown and
// acknowledged with `evt.complete` until the bot waits, and user input goes as `evt.input`.
import './deepChat.bundle.js';

const START = '/api/v1/gaia/botdm/start';
const TRIGGER = '/api/v1/gaia/botdm/trigger';
const sid = crypto.randomUUID().replaceAll('-', '');

async function call(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok || answer.code !== 0) throw new Error(`${path}: ${answer.msg ?? response.status}`);
  return answer.result;
}

/** Shows every `evt.say` from `turn` on, acknowledging each; resolves to the turn that is not one. */
async function speak(turn, show) {
  while (turn.cmd === 'evt.say') {
    show(turn.prompt);
    turn = await call(TRIGGER, { sid, cmd: 'evt.complete', text: '', prompt_id: turn.prompt_id });
  }
  return turn;
}

const chat = document.createElement('deep-chat');
chat.style.width = '100%';
chat.style.height = '100vh';
chat.connect = {
  handler: async (body, signals) => {
    try {
      const text = body.messages[body.messages.length - 1]?.text ?? '';
      const said = [];
      await speak(await call(TRIGGER, { sid, cmd: 'evt.input', text }), (prompt) => said.push(prompt));
      await signals.onResponse({ text: said.join('\n\n') });
    } catch (error) {
      await signals.onResponse({ error: String(error) });
    }
  },
};
const rendered = new Promise((resolve) => { chat.onComponentRender = resolve; });
document.body.append(chat);

const started = call(START, {
  app_id: '200000000',
  bot_id: '134614200106471424',
  sid,
  channel: 'wx_mp',
  var_json: { name: '王先生', amount: '3000 元', deadline: '12 月 31 日' },
});
await rendered;
await speak(await started, (prompt) => chat.addMessage({ role: 'ai', text: prompt }));
