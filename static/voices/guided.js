// The guided recording session: one sentence at a time; each take is uploaded as it is recorded
// (a redo replaces the earlier take of the same sentence) and the samples table is refreshed.
document.addEventListener("DOMContentLoaded", () => {
  const guided = document.getElementById("guided");
  if (!guided) return;
  const prompts = [...guided.querySelectorAll("[data-prompt]")];
  let current = 0;
  const show = (i) => {
    current = Math.max(0, Math.min(prompts.length - 1, i));
    prompts.forEach((p, j) => { p.hidden = j !== current; });
  };
  guided.querySelector("[data-next]").addEventListener("click", () => show(current + 1));
  guided.querySelector("[data-prev]").addEventListener("click", () => show(current - 1));
  guided.addEventListener("recorded", async (event) => {
    const prompt = event.target.closest("[data-prompt]");
    const status = prompt.querySelector("[data-status]");
    const blob = event.detail;
    const ext = blob.type.includes("ogg") ? "ogg" : blob.type.includes("mp4") ? "m4a" : "webm";
    const body = new FormData();
    body.append("file", new File([blob], `sentence-${Number(prompt.dataset.prompt) + 1}.${ext}`, { type: blob.type }));
    body.append("prompt_index", prompt.dataset.prompt);
    body.append("kind", "recorded");
    status.textContent = "Uploading…";
    const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    const response = await fetch(guided.dataset.uploadUrl, {
      method: "POST", body, headers: { "HX-Request": "true", "X-CSRFToken": csrf },
    });
    const html = await response.text();
    const samples = document.getElementById("samples");
    samples.outerHTML = html;
    if (window.htmx) window.htmx.process(document.getElementById("samples"));
    status.textContent = response.ok ? "Saved; its analysis appears in the table below. Next sentence, or record again to redo." : "That take was not usable; see the message below and record it again.";
    prompt.querySelector("[data-record]").textContent = "Redo";
    if (response.ok) setTimeout(() => show(current + 1), 800);
  });
});

// A refused upload answers 400 with the samples section and a message saying what to fix; htmx
// does not swap error responses by default, so let this one through.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 && event.detail.target && event.detail.target.id === "samples") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
