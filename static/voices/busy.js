// Forms that take a while (an instant clone runs while the person waits) say so and can't be
// submitted twice.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-busy]");
  if (!button) return;
  button.disabled = true;
  button.textContent = button.dataset.busy;
});
