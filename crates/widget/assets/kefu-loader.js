// kefu-loader.js: the <kefu-chat> element and its launcher, before any wasm is fetched.
//
// <script type="module" src=".../kefu-loader.js"></script>
// <kefu-chat endpoint="https://kefu.example.com" app-id="…" bot-id="…" channel="h5"></kefu-chat>
//
// On `h5` a launcher button shows at once; the widget (wasm) loads when the page is idle or on
// the first click, whichever comes first; with a `greeting` attribute, kefu-teaser.js then
// greets the visitor by the launcher. The other channels open full-screen at once. No inline
// script or style is used, so a page may keep `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`.

const OPTIONS = [
  ['endpoint', 'endpoint'], ['appId', 'app-id'], ['botId', 'bot-id'], ['channel', 'channel'],
  ['lang', 'lang'], ['title', 'title'], ['vars', 'vars'], ['userData', 'user-data'], ['timeoutMs', 'timeout-ms'],
  ['theme', 'theme'], ['ratingUrl', 'rating-url'], ['mpBack', 'mp-back'],
];
const EVENTS = ['message', 'transfer', 'finish', 'rating', 'error', 'close'];
/** What an app's native side hears (channel `app`). */
const BRIDGE_EVENTS = ['transfer', 'finish', 'error', 'close'];
const WORDS = {
  zh: { open: '在线客服', unread: (n) => `，${n} 条未读消息`, failed: '客服加载失败，请稍后重试。' },
  en: { open: 'Customer service', unread: (n) => `, ${n} unread`, failed: 'The chat could not load. Please try again later.' },
};
const SVG = 'http://www.w3.org/2000/svg';
const ICON = 'M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.5 21l4.2-2.3c1 .3 2.1.4 3.3.4 5.5 0 10-3.6 10-8.1S17.5 3 12 3zm-4 9.3a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6zm4 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6zm4 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6z';

/** The launcher's rules (kefu-widget.css between its "launcher" marks), put here by the package build. */
const LAUNCHER_CSS = '__KEFU_LAUNCHER_CSS__';

let widget;
let styles;
let launcherStyled;

/**
 * Gives the launcher its look at once from a constructed stylesheet (which a page's `style-src`
 * does not govern), so it need not wait for the stylesheet; false where the browser cannot (or
 * the file was not built), and the launcher waits for the stylesheet.
 */
function styleLauncher() {
  if (launcherStyled === undefined) {
    launcherStyled = false;
    try {
      if (!LAUNCHER_CSS.startsWith('__') && 'adoptedStyleSheets' in document) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(LAUNCHER_CSS);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        launcherStyled = true;
      }
    } catch {
      // The launcher waits for the stylesheet.
    }
  }
  return launcherStyled;
}

/**
 * Loads the widget's wasm and glue once; resolves to its module. The wasm is fetched at once,
 * beside the glue rather than after it, and compiled while it streams in.
 */
export function loadWidget() {
  if (!widget) {
    const wasm = fetch(new URL('./kefu_widget_bg.wasm', import.meta.url));
    // A failed fetch is reported by the glue's init below; this only keeps it from going unhandled.
    wasm.catch(() => {});
    widget = import('./kefu_widget.js').then(async (module) => {
      await module.default({ module_or_path: wasm });
      // What the visitor may never use (voice input, keeping the transcript, POSTing a rating)
      // is fetched on first use.
      module.useExtras((name, args, done) => import('./kefu-extras.js').then((extras) => extras[name](...args)).then(done, () => done()));
      return module;
    });
  }
  return widget;
}

/** Adds the widget's stylesheet to the document once; resolves when it has loaded. */
export function loadStyles() {
  styles ??= new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('./kefu-widget.css', import.meta.url).href;
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);
    document.head.append(link);
  });
  return styles;
}

/**
 * Sends botdm `start` for `options` at once, so its answer travels while the widget downloads
 * and compiles; the widget awaits it instead of sending its own when its start is the same (the
 * same URL and body). Not sent (undefined) when this tab has a saved session the widget will
 * resume, or when storage cannot tell; its answer fails, unsent, when another tab leads this
 * conversation.
 */
function startEarly(options, channel) {
  const text = (name) => (options[name] ?? '').trim();
  const endpoint = text('endpoint');
  try {
    if (sessionStorage.getItem(`kefu-widget|${endpoint}|${text('appId')}|${text('botId')}|${channel}`)) return undefined;
  } catch {
    return undefined;
  }
  const body = { app_id: text('appId'), bot_id: text('botId'), sid: '', channel };
  try {
    const vars = options.vars === undefined ? undefined : JSON.parse(options.vars);
    if (vars !== undefined) {
      // The widget writes the variables in sorted order.
      body.var_json = {};
      for (const key of Object.keys(vars).sort()) body.var_json[key] = vars[key];
    }
  } catch {
    return undefined;
  }
  if (options.userData !== undefined) body.user_data = options.userData;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  body.sid = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const url = `${endpoint.replace(/\/+$/, '')}/api/v1/gaia/botdm/start`;
  const json = JSON.stringify(body);
  const timeout = Number(options.timeoutMs) > 0 ? Number(options.timeoutMs) : 15000;
  // A tab whose conversation another tab leads (the widget's Web Lock, see tabs.rs) follows
  // that one and needs no session of its own. Only a tab that shows it can lead it, so with
  // none listed the Web Locks, slow to answer the first time, need not be asked.
  const key = conversation(options, channel);
  const led = listTab(key) > 0 && navigator.locks?.query?.().then(({ held }) => held.some((lock) => lock.name === `${key}|lead`), () => false);
  const answer = Promise.resolve(led).then((elsewhere) => {
    if (elsewhere) throw new Error('another tab leads this conversation');
    return fetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: json,
      signal: AbortSignal.timeout?.(timeout),
    });
  });
  // A failure is the widget's to report (as for a start it sent itself).
  answer.catch(() => {});
  // The first prompt, which the loader shows before the widget is in (KefuChat.preview), read
  // from a copy of the answer: its body stays the widget's, whose rules decide what it means.
  const preview = answer
    .then((response) => (response.ok ? response.clone().json() : null))
    .then(({ code, result } = {}) => (/^0+$/.test(code) && result?.cmd === 'evt.say' && typeof result.prompt === 'string' && result.prompt) || '', () => '');
  return { sid: body.sid, url, body: json, answer, preview };
}

/** The name of the conversation of `options` on `channel`, as the widget's tabs.rs spells it. */
function conversation(options, channel) {
  const text = (name) => (options[name] ?? '').trim();
  return `kefu-tabs|${text('endpoint')}|${text('appId')}|${text('botId')}|${channel}`;
}

/** This tab, in the lists of {@link listTab}. */
const TAB = String(Math.random());

/**
 * Counts the other tabs listed (in localStorage) as showing the conversation `key`, and lists
 * this one (`open` true) or takes it away (false). Infinity when storage cannot tell. A tab that
 * crashed stays listed, which only sends the next early start the slow way, by the Web Locks.
 */
function listTab(key, open) {
  try {
    const others = (JSON.parse(localStorage.getItem(`${key}|open`)) ?? []).filter((tab) => tab !== TAB);
    if (open !== undefined) {
      const list = open ? [...others, TAB] : others;
      if (list.length) localStorage.setItem(`${key}|open`, JSON.stringify(list));
      else localStorage.removeItem(`${key}|open`);
    }
    return others.length;
  } catch {
    return Infinity;
  }
}

/** A new element `tag` of class `className`, with `text` if given (as text, never as HTML). */
function element(tag, className, text) {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

/** Remembers, for this tab, whether the h5 chat window is open (so a reload keeps it open). */
function rememberOpen(open) {
  try {
    if (open) sessionStorage.setItem('kefu-widget-open', '1');
    else sessionStorage.removeItem('kefu-widget-open');
  } catch {
    // Storage is blocked: the window simply starts closed after a reload.
  }
}

function wasOpen() {
  try {
    return sessionStorage.getItem('kefu-widget-open') === '1';
  } catch {
    return false;
  }
}

/**
 * Marks `element`, where the widget mounts, with its `theme` option (light, dark, or auto:
 * following prefers-color-scheme), which kefu-widget.css keys the panel's colours on.
 */
export function themeMount(element, theme) {
  element.dataset.kefuTheme = theme || 'auto';
}

/** Runs `task` when the browser is idle (or after two seconds where it cannot tell). */
function whenIdle(task) {
  if ('requestIdleCallback' in window) requestIdleCallback(task, { timeout: 4000 });
  else setTimeout(task, 2000);
}

/**
 * Tells an app's native side (channel `app`) about `type` with `detail`: iOS WKWebView through
 * `window.webkit.messageHandlers.kefu.postMessage({type, detail})`, Android WebView through
 * `window.KefuBridge.postMessage(JSON.stringify({type, detail}))`. Pages without a bridge are
 * left alone.
 */
export function postToApp(type, detail) {
  const message = { type, detail: detail ?? {} };
  try {
    const ios = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.kefu;
    if (ios) ios.postMessage(message);
    if (window.KefuBridge && typeof window.KefuBridge.postMessage === 'function') {
      window.KefuBridge.postMessage(JSON.stringify(message));
    }
  } catch (error) {
    console.warn('kefu: the app bridge refused a message', error);
  }
}

/**
 * Tells a WeChat mini-program (channel `wx_mp`, a `<web-view>` page with the JSSDK) about `type`
 * with `detail`, through `wx.miniProgram.postMessage({data: {type, detail}})`. WeChat delivers
 * these to the web-view's `bindmessage` only when the visitor goes back, shares, or the
 * web-view is destroyed, not at once. Pages without the JSSDK are left alone.
 */
export function postToMiniProgram(type, detail) {
  try {
    window.wx?.miniProgram?.postMessage?.({ data: { type, detail: detail ?? {} } });
  } catch (error) {
    console.warn('kefu: the mini-program refused a message', error);
  }
}

/** `<kefu-chat>`: a launcher and a chat window (h5), or a full-screen chat (every other channel). */
export class KefuChat extends HTMLElement {
  static get observedAttributes() {
    return ['theme'];
  }

  /** The stylesheet themes the panel by its mount element's data-kefu-theme (see themeMount). */
  attributeChangedCallback() {
    if (this.window) themeMount(this.window, this.getAttribute('theme'));
  }

  connectedCallback() {
    if (this.window) return;
    this.options = {};
    for (const [name, attribute] of OPTIONS) {
      const value = this.getAttribute(attribute);
      if (value !== null) this.options[name] = value;
    }
    this.channel = this.options.channel || 'h5';
    this.words = (this.options.lang || '').toLowerCase().startsWith('en') ? WORDS.en : WORDS.zh;
    this.unread = 0;
    this.window = document.createElement('div');
    this.window.className = 'kefu-window';
    themeMount(this.window, this.options.theme);
    for (const name of EVENTS) {
      this.window.addEventListener(name, (event) => this.forward(event));
    }
    const styled = loadStyles();
    if (this.channel === 'h5') {
      this.window.hidden = true;
      this.launcher = this.makeLauncher();
      this.launcher.hidden = !styleLauncher();
      styled.then(() => { this.launcher.hidden = false; });
      this.append(this.launcher);
      whenIdle(() => {
        loadWidget().catch(() => {});
        // The proactive greeting, for pages that ask for it (kefu-teaser.js).
        if (this.hasAttribute('greeting')) import('./kefu-teaser.js').then((t) => t.arm(this), () => {});
      });
    } else {
      this.window.classList.add('kefu-fullscreen');
    }
    this.append(this.window);
    this.keepAboveKeyboard();
    const open = this.channel !== 'h5' || this.hasAttribute('open') || wasOpen();
    if (open) {
      // The widget downloads while the stylesheet does, and its first answer meanwhile; it is
      // shown once both are here.
      loadWidget().catch(() => {});
      this.started = startEarly(this.options, this.channel);
      styled.then(() => this.show());
    }
  }

  /**
   * While an on-screen keyboard shrinks the visual viewport, a full-screen chat is fitted to
   * what is visible, so the message box stays above the keyboard; when the keyboard closes the
   * page is scrolled back (iOS leaves it scrolled).
   */
  keepAboveKeyboard() {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const narrow = window.matchMedia('(max-width: 480px)');
    this.fitViewport = () => {
      if (!this.window) return;
      const fullScreen = this.window.classList.contains('kefu-fullscreen') || narrow.matches;
      const shrunk = fullScreen && viewport.height < window.innerHeight - 1;
      this.window.style.top = shrunk ? `${viewport.offsetTop}px` : '';
      this.window.style.height = shrunk ? `${viewport.height}px` : '';
      this.window.style.bottom = shrunk ? 'auto' : '';
      if (shrunk) {
        const input = this.window.querySelector('.kefu-input');
        if (input && document.activeElement === input) input.scrollIntoView({ block: 'nearest' });
        const log = this.window.querySelector('.kefu-log');
        if (log) log.scrollTop = log.scrollHeight;
      } else if (this.wasShrunk) {
        window.scrollTo(0, 0);
      }
      this.wasShrunk = shrunk;
    };
    viewport.addEventListener('resize', this.fitViewport);
    viewport.addEventListener('scroll', this.fitViewport);
  }

  disconnectedCallback() {
    if (this.listed) {
      listTab(this.listed, false);
      removeEventListener('pagehide', this.onHide);
      removeEventListener('pageshow', this.onHide);
      this.listed = undefined;
    }
    if (this.fitViewport && window.visualViewport) {
      window.visualViewport.removeEventListener('resize', this.fitViewport);
      window.visualViewport.removeEventListener('scroll', this.fitViewport);
    }
    this.chat?.unmount();
    this.chat = null;
    this.shell?.remove();
    this.window?.remove();
    this.launcher?.remove();
    this.window = null;
  }

  /** Whether the chat window is showing. */
  get isOpen() {
    return Boolean(this.window && !this.window.hidden);
  }

  /** Opens the chat (loading the widget the first time). */
  async show() {
    if (!this.window) return;
    const opening = this.window.hidden || !this.chat;
    this.window.hidden = false;
    if (this.channel === 'h5') rememberOpen(true);
    this.unread = 0;
    this.updateLauncher();
    if (opening) this.dispatchEvent(new CustomEvent('open'));
    if (!this.chat) {
      this.started ??= startEarly(this.options, this.channel);
      const previewed = this.preview(this.started);
      try {
        if (this.started) {
          // The first answer is usually a moment away: its prompt is shown, and painted, before
          // the widget is compiled and first renders, which keeps the page busy for a while and
          // would hold the answer's body back (a widget not yet loading, as after an early click
          // on the launcher, is fetched after it). A slow answer holds the widget back 200 ms
          // at most.
          const painted = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
          const shown = this.started.answer.then(() => previewed).then(painted, () => {});
          await Promise.race([shown, new Promise((later) => setTimeout(later, 200))]);
        }
        // The launcher may be clicked before the stylesheet is in.
        const [module] = await Promise.all([loadWidget(), loadStyles()]);
        if (!this.chat) {
          // The early start belongs to this mount only.
          const started = this.started;
          this.started = undefined;
          this.chat = module.mount(this.window, { ...this.options, started });
          this.listed = conversation(this.options, this.channel);
          listTab(this.listed, true);
          this.onHide ??= (event) => listTab(this.listed, event.type === 'pageshow');
          addEventListener('pagehide', this.onHide);
          addEventListener('pageshow', this.onHide);
        }
      } catch (error) {
        const note = document.createElement('p');
        note.className = 'kefu-load-error';
        note.setAttribute('role', 'alert');
        note.textContent = this.words.failed;
        this.window.replaceChildren(note);
        this.dispatchEvent(new CustomEvent('error', { detail: { message: String(error) } }));
        return;
      }
    }
    this.chat.focus();
  }

  /**
   * Shows the early start's first prompt (as text) in a copy of the panel's frame laid over the
   * window, until the widget shows a message or an error there, or the window closes: on a slow
   * link the answer is in well before the wasm. The copy is hidden from assistive technology,
   * which hears the message from the widget. Resolves once it is shown (or not needed).
   */
  preview(started) {
    const shown = () => !this.window || this.window.hidden || this.window.querySelector('.kefu-bot, .kefu-banner, .kefu-load-error');
    return Promise.all([started?.preview, loadStyles()]).then(([text]) => {
      if (!text || this.shell || shown()) return;
      const shell = (this.shell = element('div', `${this.window.className} kefu-shell`));
      shell.setAttribute('aria-hidden', 'true');
      shell.inert = true;
      themeMount(shell, this.options.theme);
      const panel = element('section', this.channel === 'h5' ? 'kefu-panel' : 'kefu-panel kefu-full');
      const header = element('header', 'kefu-header');
      header.append(element('h2', 'kefu-title', this.options.title || this.words.open));
      const row = element('div', 'kefu-row kefu-preview');
      row.append(element('div', 'kefu-bubble', text));
      const log = element('div', 'kefu-log');
      log.append(row);
      panel.append(header, log);
      shell.append(panel);
      this.append(shell);
      const watch = new MutationObserver(() => {
        if (!shown()) return;
        watch.disconnect();
        shell.remove();
        this.shell = null;
      });
      watch.observe(this.window, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
    });
  }

  /** Closes the chat window (h5); the session carries on. */
  hide() {
    if (this.channel !== 'h5' || !this.window) return;
    this.window.hidden = true;
    rememberOpen(false);
    this.updateLauncher();
    this.launcher.focus();
  }

  forward(event) {
    if (event.type === 'close') this.hide();
    if (event.type === 'message' && event.detail?.from === 'bot' && !this.isOpen) {
      this.unread += 1;
      this.updateLauncher();
    }
    if (this.channel === 'app' && BRIDGE_EVENTS.includes(event.type)) postToApp(event.type, event.detail);
    if (this.channel === 'wx_mp' && /^(transfer|finish)$/.test(event.type)) postToMiniProgram(event.type, event.detail);
    this.dispatchEvent(new CustomEvent(event.type, { detail: event.detail }));
  }

  makeLauncher() {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'kefu-launcher';
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', ICON);
    svg.append(path);
    this.badge = document.createElement('span');
    this.badge.className = 'kefu-badge';
    this.badge.setAttribute('aria-hidden', 'true');
    button.append(svg, this.badge);
    button.addEventListener('click', () => (this.isOpen ? this.hide() : this.show()));
    this.launcher = button;
    this.updateLauncher();
    return button;
  }

  updateLauncher() {
    if (!this.launcher) return;
    const label = this.options.title || this.words.open;
    this.launcher.setAttribute('aria-label', this.unread ? label + this.words.unread(this.unread) : label);
    this.launcher.setAttribute('aria-expanded', String(this.isOpen));
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread > 99 ? '99+' : String(this.unread);
  }
}

if (!customElements.get('kefu-chat')) customElements.define('kefu-chat', KefuChat);
