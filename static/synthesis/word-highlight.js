// Marks the word under the playhead. A words strip names its player in
// data-word-highlight: an <audio> element's id, or "player" for the playground's player bar;
// each word is a span with data-start / data-end (seconds).
// Listeners sit on the document, so strips swapped in later by htmx work without setup.
(function () {
  "use strict";

  function stripFor(audio) {
    return audio.id ? document.querySelector('[data-word-highlight="' + audio.id + '"]') : null;
  }

  function mark(audio) {
    const strip = stripFor(audio);
    if (strip) markAt(strip, audio.currentTime);
  }

  function markAt(strip, now) {
    strip.querySelectorAll("[data-start]").forEach(function (word) {
      const spoken = now >= Number(word.dataset.start) && now < Number(word.dataset.end);
      const was = word.classList.contains("is-spoken");
      word.classList.toggle("is-spoken", spoken);
      if (spoken) word.setAttribute("aria-current", "true");
      else word.removeAttribute("aria-current");
      // Keep the spoken word in view inside a strip that scrolls, without moving the page.
      if (spoken && !was && strip.scrollHeight > strip.clientHeight) {
        strip.scrollTop = word.offsetTop - strip.offsetTop - strip.clientHeight / 3;
      }
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

  // The playground's player bar plays through Web Audio, not a media element: follow its clock.
  function followPlayer() {
    const player = window.speekoPlayer;
    const strip = document.querySelector('[data-word-highlight="player"]');
    if (player && strip) markAt(strip, player.position());
    requestAnimationFrame(followPlayer);
  }
  requestAnimationFrame(followPlayer);

  // A click on a word plays from it.
  document.addEventListener("click", function (event) {
    const word = event.target.closest("[data-word-highlight] [data-start]");
    if (!word) return;
    const start = Number(word.dataset.start);
    const target = document.getElementById(word.closest("[data-word-highlight]").dataset.wordHighlight);
    if (target instanceof HTMLMediaElement) {
      target.currentTime = start;
      target.play();
    } else if (window.speekoPlayer) {
      window.speekoPlayer.playFrom(start);
    }
  });
})();
