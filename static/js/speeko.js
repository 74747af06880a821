// Small progressive enhancements shared by every page; each page works without them.
document.addEventListener("keydown", (event) => {
  // Ctrl/Cmd+Enter submits the form that holds the focused text area.
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    const form = event.target.closest && event.target.closest("form[data-submit-shortcut]");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  }
});
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.innerText.trim()).then(() => {
      const label = button.textContent;
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  }
});
