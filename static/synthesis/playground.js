// The playground's form helpers: voice filters, voice preview, which voice wins, "View code".
(function () {
  "use strict";

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
    showPrecedence();
  }

  // A blend, when there is one, is what gets spoken: say so next to the voice it replaces.
  function showPrecedence() {
    const blend = document.getElementById("id_blend");
    const note = document.getElementById("voice-overridden");
    const select = document.getElementById("id_voice");
    if (!blend || !note || !select) return;
    const overridden = blend.value.trim() !== "";
    note.hidden = !overridden;
    select.classList.toggle("is-overridden", overridden);
    const option = select.selectedOptions[0];
    const preview = document.querySelector("[data-preview-voice]");
    if (preview) preview.hidden = overridden || !option || !option.dataset.preview;
    const description = document.getElementById("voice-description");
    if (description) {
      description.textContent = (option && option.dataset.description) || "";
      description.hidden = overridden || !description.textContent;
    }
  }

  // Plays the chosen stock voice's ready-made preview without leaving the page.
  function preview(button) {
    const select = document.getElementById("id_voice");
    const audio = document.getElementById("voice-preview");
    const option = select && select.selectedOptions[0];
    if (!audio || !option || !option.dataset.preview) return;
    if (!audio.paused && audio.dataset.voice === option.value) {
      audio.pause();
      return;
    }
    audio.dataset.voice = option.value;
    audio.src = option.dataset.preview;
    button.textContent = "… Loading";
    audio.onplaying = () => { button.textContent = "❚❚ Stop preview"; };
    audio.onpause = audio.onended = () => { button.textContent = "▶ Preview"; };
    audio.onerror = () => { button.textContent = "Preview unavailable"; };
    audio.play().catch(() => { button.textContent = "▶ Preview"; });
  }

  function settings() {
    const form = document.getElementById("synthesis-form");
    const data = new FormData(form);
    return {
      text: data.get("text") || "",
      voice: (data.get("blend") || "").trim() || data.get("voice") || "af_heart",
      format: data.get("format") || "mp3",
      speed: parseFloat(data.get("speed") || "1"),
      language: data.get("language") || "",
      ssml: data.get("ssml") === "on",
    };
  }

  function shellQuote(value) {
    return `'${value.replace(/'/g, `'\\''`)}'`;
  }

  function pyString(value) {
    return JSON.stringify(value);
  }

  function snippets(base, s) {
    const body = { text: s.text, voice_id: s.voice, format: s.format, speed: s.speed };
    if (s.language) body.language = s.language;
    if (s.ssml) body.ssml = true;
    const pyBody = Object.entries(body)
      .map(([k, v]) => `        ${pyString(k)}: ${typeof v === "boolean" ? (v ? "True" : "False") : typeof v === "number" ? v : pyString(v)},`)
      .join("\n");
    const openaiFormat = ["mp3", "opus", "flac", "wav"].includes(s.format) ? s.format : "mp3";
    const curl = [
      `curl -X POST ${base}/tts \\`,
      `  -H "Authorization: Bearer $SPEEKO_API_KEY" \\`,
      `  -H "Content-Type: application/json" \\`,
      `  -d ${shellQuote(JSON.stringify(body))} \\`,
      `  --output speech.${s.format}`,
    ].join("\n");
    const python = [
      "import os",
      "",
      "import requests",
      "",
      "response = requests.post(",
      `    "${base}/tts",`,
      `    headers={"Authorization": f"Bearer {os.environ['SPEEKO_API_KEY']}"},`,
      "    json={",
      pyBody,
      "    },",
      "    stream=True,",
      "    timeout=300,",
      ")",
      "response.raise_for_status()",
      `with open("speech.${s.format}", "wb") as out:`,
      "    for chunk in response.iter_content(chunk_size=None):",
      "        out.write(chunk)",
    ].join("\n");
    const openai = [
      "import os",
      "",
      "from openai import OpenAI",
      "",
      `client = OpenAI(base_url="${base}", api_key=os.environ["SPEEKO_API_KEY"])`,
      "with client.audio.speech.with_streaming_response.create(",
      '    model="tts-1",',
      `    voice=${pyString(s.voice)},`,
      `    input=${pyString(s.text)},`,
      `    response_format="${openaiFormat}",`,
      `    speed=${s.speed},`,
      ") as response:",
      `    response.stream_to_file("speech.${openaiFormat}")`,
    ].join("\n");
    return { curl, python, openai };
  }

  function showCode() {
    const dialog = document.getElementById("code-dialog");
    if (!dialog) return;
    const code = snippets(dialog.dataset.apiBase, settings());
    for (const [name, text] of Object.entries(code)) {
      document.getElementById(`code-${name}-text`).textContent = text;
    }
    dialog.showModal();
  }

  function selectTab(tab) {
    const list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach((other) => {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
    });
    tab.focus();
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-voice-filter]")) applyFilter();
    if (event.target.id === "id_voice") showPrecedence();
  });
  document.addEventListener("input", (event) => {
    if (event.target.id === "id_blend") showPrecedence();
  });
  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    if (target.closest("[data-preview-voice]")) preview(target.closest("[data-preview-voice]"));
    if (target.closest("[data-show-code]")) showCode();
    if (target.closest("[data-close-dialog]")) target.closest("dialog").close();
    if (target.closest("[role=tab]")) selectTab(target.closest("[role=tab]"));
  });
  document.addEventListener("keydown", (event) => {
    const tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
    const tabs = [...tab.parentElement.querySelectorAll("[role=tab]")];
    const step = event.key === "ArrowRight" ? 1 : -1;
    selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
  });
  document.addEventListener("htmx:afterSwap", applyFilter);
  document.addEventListener("DOMContentLoaded", applyFilter);
})();
