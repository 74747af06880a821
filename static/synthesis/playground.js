// Filters the stock voices in the picker by language and gender without a round trip.
(function () {
  function applyFilter() {
    const lang = document.getElementById("voice-language-filter");
    const gender = document.getElementById("voice-gender-filter");
    const select = document.getElementById("id_voice");
    if (!lang || !gender || !select) return;
    select.querySelectorAll("optgroup[data-lang]").forEach((group) => {
      const groupShown = !lang.value || group.dataset.lang === lang.value;
      let any = false;
      group.querySelectorAll("option").forEach((option) => {
        const shown = groupShown && (!gender.value || option.dataset.gender === gender.value);
        option.hidden = !shown;
        any = any || shown;
      });
      group.hidden = !any;
    });
    const current = select.selectedOptions[0];
    if (current && current.hidden) {
      const first = select.querySelector("option:not([hidden]):not([disabled])");
      if (first) select.value = first.value;
    }
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-voice-filter]")) applyFilter();
  });
  document.addEventListener("htmx:afterSwap", applyFilter);
})();
