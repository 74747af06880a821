// Forms that charge or start something say they are busy and can't be submitted twice (a double
// click would otherwise send a second request, refused only once it reaches the server).
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-busy]");
  if (!button) return;
  button.disabled = true;
  button.textContent = button.dataset.busy;
});
