import type { KefuWidgetOptions, Widget } from './kefu_widget.js';

export type { KefuWidgetOptions, KefuWidgetEventMap, Widget } from './kefu_widget.js';
export { KefuChat, loadStyles, loadWidget, postToApp, postToMiniProgram } from './kefu-loader.js';

/** Renders the chat into `element` and starts a session. Rejects with an Error naming a bad option. */
export function mount(element: HTMLElement, options?: KefuWidgetOptions): Promise<Widget>;
