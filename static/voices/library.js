// Stock previews are rendered by a worker the first time they are asked for (the server answers
// 503 meanwhile): retry the audio a few times instead of showing a broken player.
document.addEventListener("error", (event) => {
  const audio = event.target;
  if (!(audio instanceof HTMLAudioElement) || !audio.hasAttribute("data-preview")) return;
  const tries = Number(audio.dataset.tries || 0);
  if (tries >= 12) return;
  audio.dataset.tries = String(tries + 1);
  const note = audio.parentElement.querySelector("[data-preview-note]");
  if (note) note.textContent = "Preparing the preview…";
  setTimeout(() => {
    const src = audio.getAttribute("src").split("?")[0];
    audio.src = `${src}?try=${tries + 1}`;
    audio.play().catch(() => {});
  }, 5000);
}, true);
