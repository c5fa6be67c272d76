// kefu-widget: mount the chat into an element, or use <kefu-chat> (defined on import).
import init, { mount as mountInto } from './kefu_widget.js';
import { loadStyles } from './kefu-loader.js';

export { KefuChat, loadStyles, loadWidget, postToApp } from './kefu-loader.js';

let ready;

/**
 * Renders the chat into `element` and starts a session; resolves to a handle with
 * `unmount()` and `focus()`. Rejects with an Error naming a bad option.
 */
export async function mount(element, options) {
  ready ??= init();
  await Promise.all([ready, loadStyles()]);
  return mountInto(element, options);
}
