// kefu-widget: mount the chat into an element, or use <kefu-chat> (defined on import).
import { loadStyles, loadWidget, themeMount } from './kefu-loader.js';

export { KefuChat, loadStyles, loadWidget, postToApp, postToMiniProgram } from './kefu-loader.js';

/**
 * Renders the chat into `element` and starts a session; resolves to a handle with
 * `unmount()` and `focus()`. Rejects with an Error naming a bad option.
 */
export async function mount(element, options) {
  const [widget] = await Promise.all([loadWidget(), loadStyles()]);
  const mounted = widget.mount(element, options);
  themeMount(element, options?.theme);
  return mounted;
}
