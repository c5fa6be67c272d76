// Blocks Web Storage the way a sandboxed frame or a strict privacy mode does: any access throws.
for (const name of ['sessionStorage', 'localStorage']) {
  Object.defineProperty(window, name, {
    configurable: true,
    get() {
      throw new DOMException(`${name} is blocked here`, 'SecurityError');
    },
  });
}
