// The declarations of `kefu-widget/loader` (`kefu-loader.js`): the `<kefu-chat>` element and the
// launcher's helpers, without the `mount()` entry of the package's index.
import type { KefuWidgetEventMap } from './kefu_widget.js';

/** Loads the widget's wasm once (the launcher calls it when the page is idle). */
export function loadWidget(): Promise<typeof import('./kefu_widget.js')>;

/** Adds the widget's stylesheet to the document once. */
export function loadStyles(): Promise<void>;

/**
 * Posts `{type, detail}` to an app's native bridge, when there is one: iOS
 * `window.webkit.messageHandlers.kefu.postMessage(object)`, Android
 * `window.KefuBridge.postMessage(jsonText)`. `<kefu-chat channel="app">` does this for
 * `transfer`, `finish`, `error` and `close`.
 */
export function postToApp(type: string, detail?: unknown): void;

/**
 * Posts `{data: {type, detail}}` with `wx.miniProgram.postMessage` when the page has WeChat's
 * JSSDK (a mini-program `<web-view>`); WeChat hands it to the web-view's `bindmessage` only when
 * the visitor goes back, shares, or the web-view is destroyed. `<kefu-chat channel="wx_mp">`
 * does this for `transfer` and `finish`.
 */
export function postToMiniProgram(type: string, detail?: unknown): void;

/** `<kefu-chat>`: a launcher and chat window on h5, a full-screen chat on the other channels. */
export class KefuChat extends HTMLElement {
  /** Whether the chat window is showing. */
  readonly isOpen: boolean;
  /** Opens the chat, loading the widget the first time. */
  show(): Promise<void>;
  /** Closes the chat window (h5); the session carries on. */
  hide(): void;
  addEventListener<K extends keyof KefuWidgetEventMap>(
    type: K,
    listener: (this: KefuChat, ev: KefuWidgetEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-chat': KefuChat;
  }
}
