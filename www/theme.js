// The theming page: lists every --kefu-* variable that the widget's stylesheet reads (from the
// stylesheet's own text, so the list cannot drift), with the defaults it writes for each, and
// lets a visitor try values and the theme option on the chat beside it.
import { loadStyles } from './kefu/kefu-loader.js';

const chat = document.querySelector('kefu-chat');

/** The fallback of each `var(NAME, FALLBACK)` in `css`, by NAME, in order, without repeats. */
export function variables(css) {
  const found = new Map();
  // The stylesheet's own helpers (--kefu-accent-default: #1d4ed8) stand for their values.
  const helpers = new Map([...css.matchAll(/(--kefu-[a-z-]+-default)\s*:\s*([^;}]+)/g)].map((m) => [m[1], m[2].trim()]));
  for (const match of css.matchAll(/--kefu-[a-z-]+/g)) {
    const name = match[0];
    // The stylesheet's own helpers (--kefu-accent-default…) are not for pages to set.
    if (name.endsWith('-default')) continue;
    if (!found.has(name)) found.set(name, []);
    if (css.slice(match.index - 4, match.index) !== 'var(') continue;
    let depth = 0;
    let end = match.index + name.length;
    if (css[end] !== ',') continue;
    const start = end + 1;
    for (; end < css.length; end += 1) {
      if (css[end] === '(') depth += 1;
      if (css[end] === ')') {
        if (depth === 0) break;
        depth -= 1;
      }
    }
    const fallback = css.slice(start, end).trim().replace(/var\((--kefu-[a-z-]+-default)\)/g, (helper, of) => helpers.get(of) ?? helper);
    if (!found.get(name).includes(fallback)) found.get(name).push(fallback);
  }
  return found;
}

function row(name, defaults) {
  const tr = document.createElement('tr');
  const head = document.createElement('th');
  head.scope = 'row';
  const code = document.createElement('code');
  code.textContent = name;
  head.append(code);
  const known = document.createElement('td');
  known.textContent = defaults.join(' · ') || '—';
  const cell = document.createElement('td');
  const input = document.createElement('input');
  input.type = 'text';
  input.className = 'variable-value';
  input.dataset.variable = name;
  input.setAttribute('aria-label', name);
  input.placeholder = defaults[0] ?? '';
  input.addEventListener('change', () => {
    if (input.value.trim()) chat.style.setProperty(name, input.value.trim());
    else chat.style.removeProperty(name);
  });
  cell.append(input);
  tr.append(head, known, cell);
  return tr;
}

for (const radio of document.querySelectorAll('input[name=theme]')) {
  radio.addEventListener('change', () => chat.setAttribute('theme', radio.value));
}

await loadStyles();
const sheet = [...document.styleSheets].find((s) => s.href && /kefu-widget[.\w]*\.css$/.test(new URL(s.href).pathname));
const css = sheet ? await (await fetch(sheet.href)).text() : '';
const body = document.getElementById('variables');
for (const [name, defaults] of variables(css)) body.append(row(name, defaults));
body.dataset.ready = String(body.children.length);
