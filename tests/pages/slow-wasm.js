// Holds back every wasm download by four seconds, as a slow link does to the widget's largest
// file, while the rest of the page (and the chat's first answer) comes at once.
const fetchNow = window.fetch.bind(window);
window.fetch = (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.endsWith('.wasm')) return fetchNow(input, init);
  return new Promise((resolve) => setTimeout(resolve, 4000)).then(() => fetchNow(input, init));
};
