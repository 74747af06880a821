// In-page recording with MediaRecorder. A recorder fills a file input (data-input) with what was
// recorded, so the form posts it like an upload; with data-upload it posts the take itself.
(() => {
  const pickType = () => ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"]
    .find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";

  function setup(root) {
    const record = root.querySelector("[data-record]");
    const stop = root.querySelector("[data-stop]");
    const playback = root.querySelector("[data-playback]");
    const status = root.querySelector("[data-status]");
    const level = root.querySelector("[data-level]");
    if (!record || !navigator.mediaDevices || !window.MediaRecorder) {
      if (record) record.hidden = true;
      return;
    }
    let recorder = null;
    let meter = null;
    record.addEventListener("click", async () => {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false } });
      } catch (err) {
        status.textContent = "The microphone is not available (" + err.name + "). Upload a file instead.";
        return;
      }
      const chunks = [];
      recorder = new MediaRecorder(stream, { mimeType: pickType() });
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        if (meter) meter.close();
        const blob = new Blob(chunks, { type: recorder.mimeType });
        playback.src = URL.createObjectURL(blob);
        playback.hidden = false;
        record.hidden = false;
        record.textContent = "Record again";
        stop.hidden = true;
        root.dispatchEvent(new CustomEvent("recorded", { detail: blob, bubbles: true }));
        fillInput(root, blob);
      };
      meter = showLevel(stream, level);
      recorder.start();
      record.hidden = true;
      stop.hidden = false;
      status.textContent = "Recording… press Stop when you have finished.";
    });
    stop.addEventListener("click", () => recorder && recorder.state !== "inactive" && recorder.stop());
  }

  function fillInput(root, blob) {
    const input = document.getElementById(root.dataset.input || "");
    if (!input) return;
    const ext = blob.type.includes("ogg") ? "ogg" : blob.type.includes("mp4") ? "m4a" : "webm";
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], `recording.${ext}`, { type: blob.type }));
    input.files = transfer.files;
    root.querySelector("[data-status]").textContent = "Recorded. Listen back, and record again if needed.";
  }

  function showLevel(stream, bar) {
    if (!bar || !window.AudioContext) return null;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(stream).connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    const tick = () => {
      if (ctx.state === "closed") { bar.style.width = "0"; return; }
      analyser.getByteTimeDomainData(data);
      const peak = Math.max(...data.map((v) => Math.abs(v - 128))) / 128;
      bar.style.width = `${Math.round(peak * 100)}%`;
      requestAnimationFrame(tick);
    };
    tick();
    return ctx;
  }

  function consentForm() {
    // Keep the spoken statement in step with the name typed, and show the "someone else" fields.
    const form = document.getElementById("consent-form");
    if (!form) return;
    const name = form.querySelector("[name=speaker_name]");
    const statement = document.getElementById("consent-statement");
    const other = form.querySelector("[data-when-other]");
    const update = () => {
      const who = (name.value || "").trim() || "[your full name]";
      statement.textContent = `I, ${who}, consent to Speeko creating a synthetic copy of my voice. My consent code is ${statement.dataset.code}.`;
      const rel = form.querySelector("[name=relation]:checked");
      other.hidden = !rel || rel.value !== "other";
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-recorder]").forEach(setup);
    consentForm();
  });
  window.speekoRecorderSetup = setup;
})();
