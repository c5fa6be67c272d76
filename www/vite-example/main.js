// The npm package, imported with Vite (no plugin: the package is `wasm-pack --target web`).
import { mount } from 'kefu-widget';

const element = document.getElementById('chat');
element.style.height = '600px';
element.style.maxWidth = '420px';

// kefu-proxy started by `cargo xtask demo` (it answers CORS for any origin only when told to;
// see the README: run the demo with KEFU_ALLOWED_ORIGINS=http://localhost:5173).
const widget = await mount(element, {
  endpoint: import.meta.env.VITE_KEFU_ENDPOINT ?? 'http://127.0.0.1:8080',
  appId: '200000000',
  botId: '134614200106471424',
  channel: 'h5',
});
element.addEventListener('transfer', (event) => console.log('transfer', event.detail));
widget.focus();
