// Type-checked, never run: `cargo xtask test` (the `tsc` suite) compiles this file with
// `tsc --strict --noEmit` against the built kefu-widget package's `index.d.ts` (see
// `crates/xtask/src/typecheck.rs`), and first checks that every name it exports, and every member
// of the classes and interfaces it declares or re-exports from the generated `kefu_widget.d.ts`,
// is used here. Written as a page would use the package: options as a full object literal (a
// removed or renamed option is an excess or missing property), event details read field by
// field into annotated variables, each call's result assigned to the type its documentation
// promises. When the widget's API changes on purpose, change this file with it.

import {
  KefuChat,
  loadStyles,
  loadWidget,
  mount,
  postToApp,
  postToMiniProgram,
  type KefuWidgetEventMap,
  type KefuWidgetOptions,
  type Widget,
} from "kefu-widget";
import * as loader from "kefu-widget/loader";

/** Every option, as a page gives them. */
const options: KefuWidgetOptions = {
  endpoint: "https://kefu.example.com",
  appId: "200000000",
  botId: "134614200106471424",
  channel: "h5",
  lang: "zh-CN",
  title: "在线客服",
  vars: { name: "张三", age: 30, vip: true },
  userData: "order-7",
  timeoutMs: 15000,
  theme: "auto",
  ratingUrl: "https://kefu.example.com/ratings",
  mpBack: true,
};
const themes: NonNullable<KefuWidgetOptions["theme"]>[] = ["auto", "light", "dark"];
const channels: NonNullable<KefuWidgetOptions["channel"]>[] = ["h5", "wx_mp", "wx_oa", "wx_work", "app"];

/** Every event, its `detail` read field by field. */
function listen(chat: KefuChat): void {
  chat.addEventListener("message", (e: KefuWidgetEventMap["message"]) => {
    const from: "bot" | "user" = e.detail.from;
    const text: string = e.detail.text;
    const sid: string = e.detail.sid;
    void [from, text, sid];
  });
  chat.addEventListener("transfer", (e: KefuWidgetEventMap["transfer"]) => {
    const sid: string = e.detail.sid;
    void sid;
  });
  chat.addEventListener("finish", (e: KefuWidgetEventMap["finish"]) => {
    const sid: string = e.detail.sid;
    void sid;
  });
  chat.addEventListener("rating", (e: KefuWidgetEventMap["rating"]) => {
    const score: number = e.detail.score;
    const comment: string = e.detail.comment;
    const sid: string = e.detail.sid;
    void [score, comment, sid];
  });
  chat.addEventListener("error", (e: KefuWidgetEventMap["error"]) => {
    const message: string = e.detail.message;
    void message;
  });
  chat.addEventListener("close", (e: KefuWidgetEventMap["close"]) => {
    const detail: {} = e.detail;
    void detail;
  });
  // Any other event, with the DOM's own listener type.
  chat.addEventListener("focusin", (e: Event) => void e, { passive: true });
}

/** Mounting, both ways, and the element. */
export async function main(host: HTMLElement): Promise<void> {
  const mounted: Promise<Widget> = mount(host, options);
  const widget: Widget = await mounted;
  const focused: void = widget.focus();
  const unmounted: void = widget.unmount();
  widget.free();
  const bare: Widget = await mount(host);
  bare[Symbol.dispose]();
  const loaded = await loadWidget();
  const styled: Promise<void> = loadStyles();
  await styled;
  const posted: void = postToApp("finish", { sid: "0123456789abcdef0123456789abcdef" });
  postToApp("close");
  const toMiniProgram: void = postToMiniProgram("transfer", { sid: "0123456789abcdef0123456789abcdef" });
  postToMiniProgram("finish");
  const element: typeof KefuChat = KefuChat;
  const chat: KefuChat = document.createElement("kefu-chat");
  const open: boolean = chat.isOpen;
  const shown: Promise<void> = chat.show();
  await shown;
  const hidden: void = chat.hide();
  listen(chat);
  const found: KefuChat | null = document.querySelector("kefu-chat");
  // The loader alone (`kefu-widget/loader`) declares the same element and helpers.
  const sameElement: typeof KefuChat = loader.KefuChat;
  const loaderChat: loader.KefuChat = chat;
  const loaderWidget: Promise<unknown> = loader.loadWidget();
  const loaderStyles: Promise<void> = loader.loadStyles();
  loader.postToApp("close");
  loader.postToMiniProgram("finish");
  void [sameElement, loaderChat, loaderWidget, loaderStyles];
  void [focused, unmounted, loaded, posted, element, open, hidden, found, channels, themes, toMiniProgram];
}
