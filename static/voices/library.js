// Stock voice previews: one player for the page, a play/stop button on each card. Previews are
// rendered by the workers ahead of time; should one not be ready yet (503), ask again shortly.
(function () {
  "use strict";
  let playing = null;

  function audio() {
    return document.getElementById("library-preview");
  }

  function show(button, state, note) {
    button.dataset.state = state;
    const name = button.getAttribute("aria-label").replace(/^(Play|Stop) a preview of /, "");
    button.setAttribute("aria-label", `${state === "playing" ? "Stop" : "Play"} a preview of ${name}`);
    const card = button.closest(".voice-card");
    const text = card && card.querySelector("[data-preview-note]");
    if (text) {
      text.textContent = note || "";
      text.hidden = !note;
    }
  }

  function stop() {
    const player = audio();
    if (player) player.pause();
    if (playing) show(playing, "paused");
    playing = null;
  }

  function play(button, tries) {
    const player = audio();
    stop();
    playing = button;
    show(button, "loading");
    player.onplaying = () => show(button, "playing");
    player.onended = () => stop();
    player.onerror = () => {
      if (playing !== button) return;
      if (tries >= 12) {
        show(button, "paused", "The preview could not be played. Try again in a minute.");
        playing = null;
        return;
      }
      show(button, "loading", "Preparing the preview…");
      setTimeout(() => playing === button && play(button, tries + 1), 3000);
    };
    player.src = `${button.dataset.previewSrc}${tries ? `?try=${tries}` : ""}`;
    player.play().catch(() => {});
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-preview-src]");
    if (!button || !audio()) return;
    if (playing === button) stop();
    else play(button, 0);
  });
  document.addEventListener("htmx:beforeSwap", stop);
})();
