// Marks the word under the playhead. A words strip names its player in
// data-word-highlight="<audio id>"; each word is a span with data-start / data-end (seconds).
// Listeners sit on the document, so strips swapped in later by htmx work without setup.
(function () {
  "use strict";

  function stripFor(audio) {
    return audio.id ? document.querySelector('[data-word-highlight="' + audio.id + '"]') : null;
  }

  function mark(audio) {
    const strip = stripFor(audio);
    if (!strip) return;
    const now = audio.currentTime;
    strip.querySelectorAll("[data-start]").forEach(function (word) {
      const spoken = now >= Number(word.dataset.start) && now < Number(word.dataset.end);
      word.classList.toggle("is-spoken", spoken);
      if (spoken) word.setAttribute("aria-current", "true");
      else word.removeAttribute("aria-current");
    });
  }

  // timeupdate fires about four times a second: too coarse for short words while playing.
  function follow(audio) {
    mark(audio);
    if (!audio.paused && !audio.ended) requestAnimationFrame(function () { follow(audio); });
  }

  function onMedia(handler) {
    return function (event) {
      if (event.target instanceof HTMLMediaElement) handler(event.target);
    };
  }

  document.addEventListener("play", onMedia(follow), true);
  document.addEventListener("seeked", onMedia(mark), true);
  document.addEventListener("timeupdate", onMedia(mark), true);
  document.addEventListener("ended", onMedia(mark), true);

  // A click on a word plays from it.
  document.addEventListener("click", function (event) {
    const word = event.target.closest("[data-word-highlight] [data-start]");
    if (!word) return;
    const audio = document.getElementById(word.closest("[data-word-highlight]").dataset.wordHighlight);
    if (!audio) return;
    audio.currentTime = Number(word.dataset.start);
    audio.play();
  });
})();
