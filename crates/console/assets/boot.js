// Starts the console: loads the wasm (its start function mounts the app on #console). A separate
// file, so the page keeps `script-src 'self'` (no inline script).
import init from './kefu_console.js';

init().catch(() => {
  const root = document.getElementById('console');
  if (root) {
    root.textContent = '';
    const p = document.createElement('p');
    p.className = 'alert';
    p.setAttribute('role', 'alert');
    p.textContent = '运营台加载失败，请刷新重试。The console failed to load: reload the page to try again.';
    root.append(p);
  }
});
