// kefu-extras.js: what the chat does only when the visitor asks for it, so the widget's wasm need
// not carry it: voice input, keeping the transcript (download, copy) and POSTing a rating. The
// loader hands the widget a function that imports this module (`useExtras`); the widget imports
// it on first use. Nothing here touches the page's markup or styles.

/**
 * Listens for one utterance in `lang` (a BCP 47 tag) with the browser's speech recognition;
 * `heard(text)` gets the recognized text, trimmed (never empty), and `ended()` runs when
 * listening stops (after a result, an error or silence, or at once when it cannot start).
 * Returns a function that stops listening without calling either again.
 */
export function listen(lang, heard, ended) {
  let recognition;
  try {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    recognition = new Recognition();
    recognition.lang = lang;
    recognition.interimResults = false;
    recognition.maxAlternatives = 1;
    recognition.onresult = (event) => {
      const results = event.results;
      const text = results?.[results.length - 1]?.[0]?.transcript;
      if (typeof text === 'string' && text.trim()) heard(text.trim());
    };
    recognition.onend = () => ended();
    recognition.start();
  } catch {
    if (recognition) recognition.onresult = recognition.onend = null;
    ended();
    return () => {};
  }
  return () => {
    recognition.onresult = recognition.onend = null;
    try {
      recognition.abort();
    } catch {
      // Already stopped.
    }
  };
}

/** Downloads `text` as the UTF-8 text file `name`; false when the browser refused. */
export function download(text, name) {
  try {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = name;
    anchor.click();
    URL.revokeObjectURL(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies `text` to the clipboard; resolves to whether it worked (the clipboard may be missing,
 * e.g. outside a secure context, or refused).
 */
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * POSTs a rating to `url` as JSON (`{score, comment, sid}`), delivered even when the page is
 * closing, without waiting for the answer: a failure is the receiving server's to notice (the
 * page had its `rating` event).
 */
export function postRating(url, score, comment, sid) {
  try {
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ score, comment, sid }),
      keepalive: true,
    }).catch(() => {});
  } catch {
    // A URL fetch refuses outright: as for a failed POST.
  }
}
