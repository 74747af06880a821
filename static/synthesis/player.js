// The playground's player bar. While a job runs it plays the job's samples as they arrive:
// Web Audio fed with 16-bit PCM chunks, scheduled back to back on the audio clock. An <audio>
// element (even with Media Source Extensions) waits for seconds of buffered audio before it
// plays when the download runs at about real time, as it does when speech is made on a CPU,
// and Chromium's Media Source Extensions take neither Ogg Opus nor FLAC; raw PCM plays the
// moment the first chunk lands, the same way for every download format.
// A finished job (reopened from History) is decoded from its stored file into the same player.
(function () {
  "use strict";
  const RATE = 24000;
  const LEAD = 0.04; // seconds between scheduling a buffer and its start, for timer jitter
  // The most slack before the first sample of a live job (see startSlack).
  const START = 0.2;
  const BARS = 160;
  let audioContext = null;
  let current = null;
  let pressedAt = null;

  function context() {
    if (!audioContext) {
      audioContext = new AudioContext({ sampleRate: RATE, latencyHint: "interactive" });
    }
    if (audioContext.state === "suspended") audioContext.resume();
    return audioContext;
  }

  // The Generate press is a user gesture: unlocking audio then lets sound start the moment
  // the first samples arrive, without a second click.
  document.addEventListener(
    "submit",
    (event) => {
      if (event.target.id !== "synthesis-form") return;
      pressedAt = performance.now();
      context();
    },
    true,
  );

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) seconds = 0;
    const s = Math.floor(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  class Player {
    constructor(root) {
      this.root = root;
      this.ctx = context();
      this.chunks = []; // Float32Array pieces, in order
      this.samples = 0; // samples received so far
      this.complete = false; // every sample is here
      this.segments = []; // what is scheduled: {when, start, length, node}
      this.queued = 0; // sample index scheduled up to
      this.nextWhen = 0; // audio-clock time at which sample `queued` plays
      this.paused = false;
      this.waiting = false; // ran out of samples before the end
      this.stalls = 0;
      this.firstSoundAt = null;
      this.requestedAt = null;
      this.carry = null; // odd trailing byte of a network read
      this.peaks = [];
      this.abort = new AbortController();
      this.button = root.querySelector("[data-player-toggle]");
      this.time = root.querySelector("[data-player-time]");
      this.canvas = root.querySelector("canvas");
      this.expected = parseFloat(root.dataset.expectedSeconds) || 0;
      this.button.addEventListener("click", () => this.toggle());
      this.canvas.addEventListener("click", (event) => this.seekAt(event));
      this.canvas.addEventListener("keydown", (event) => this.seekKey(event));
      this.tick = setInterval(() => this.render(), 100);
      window.speekoPlayer = this;
    }

    get stats() {
      return {
        pressedAt,
        // Where the time to first sound goes: the listen request, its first bytes, the sound.
        requestedAt: this.requestedAt,
        firstDataAt: this.firstDataAt === undefined ? null : this.firstDataAt,
        firstSoundAt: this.firstSoundAt,
        timeOrigin: performance.timeOrigin,
        stalls: this.stalls,
        position: this.position(),
        received: this.samples / RATE,
        complete: this.complete,
        state: this.ctx.state,
      };
    }

    async listen(url) {
      this.playing = true;
      this.live = true;
      this.requestedAt = performance.now();
      const response = await fetch(url, { signal: this.abort.signal, credentials: "same-origin" });
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.add(this.pcm(value));
      }
      this.finish();
    }

    async load(url) {
      this.playing = false;
      const response = await fetch(url, { signal: this.abort.signal, credentials: "same-origin" });
      const decoded = await this.ctx.decodeAudioData(await response.arrayBuffer());
      this.add(decoded.getChannelData(0));
      this.finish();
    }

    pcm(bytes) {
      if (this.carry !== null) {
        const joined = new Uint8Array(bytes.length + 1);
        joined[0] = this.carry;
        joined.set(bytes, 1);
        bytes = joined;
        this.carry = null;
      }
      if (bytes.length % 2) {
        this.carry = bytes[bytes.length - 1];
        bytes = bytes.subarray(0, bytes.length - 1);
      }
      const ints = new Int16Array(bytes.slice().buffer);
      const floats = new Float32Array(ints.length);
      for (let i = 0; i < ints.length; i++) floats[i] = ints[i] / 32768;
      return floats;
    }

    add(floats) {
      if (!floats.length) return;
      if (this.firstDataAt === undefined) this.firstDataAt = performance.now();
      this.chunks.push(floats);
      this.samples += floats.length;
      this.addPeaks(floats);
      if (this.playing && !this.paused) this.schedule();
    }

    finish() {
      this.complete = true;
      this.root.dataset.complete = "true";
      if (this.playing && !this.paused) this.schedule();
      this.render();
    }

    // Schedule every sample not yet scheduled; after running dry, first gather what
    // `rebuffer` asks for.
    schedule() {
      const now = this.ctx.currentTime;
      if (this.queued >= this.samples) return;
      if (this.segments.length && this.nextWhen < now) {
        if (!this.waiting) {
          this.stalls += 1;
          this.wanted = this.rebuffer() * RATE;
        }
        this.waiting = true;
        if (!this.complete && this.samples - this.queued < this.wanted) return;
      }
      this.waiting = false;
      const first = this.live && !this.segments.length && this.queued === 0;
      const when = Math.max(this.nextWhen, now + (first ? this.startSlack() : LEAD));
      const length = this.samples - this.queued;
      const buffer = this.ctx.createBuffer(1, length, RATE);
      buffer.copyToChannel(this.slice(this.queued, this.samples), 0);
      const node = this.ctx.createBufferSource();
      node.buffer = buffer;
      node.connect(this.ctx.destination);
      node.start(when);
      this.segments.push({ when, start: this.queued, length, node });
      if (this.firstSoundAt === null) this.watchFirstSound(when);
      this.queued = this.samples;
      this.nextWhen = when + length / RATE;
    }

    // Seconds to wait before the first sample of a live job. The next chunk is computed while
    // the audio in hand plays; take it to need as long as everything before the first bytes
    // did (from the press: the request, the queue and the first chunk's inference, so more
    // than one chunk's inference), and wait only for what the audio in hand does not cover.
    // A worker well ahead of real time starts at once; a slow or busy one gets START.
    startSlack() {
      const starts = [pressedAt, this.requestedAt].filter((t) => t !== null);
      const elapsed = starts.length ? (this.firstDataAt - Math.min(...starts)) / 1000 : 1;
      return Math.min(START, Math.max(LEAD, elapsed - this.samples / RATE));
    }

    // Seconds of audio to gather after running dry. A worker slower than real time would
    // otherwise make many short pauses: wait long enough to reach the end without another one
    // at the rate audio has been arriving (at most 8 s), and at least a second more per stall
    // so far (at most 4 s).
    rebuffer() {
      // What had arrived before the chunk that ends this stall: counting that chunk too would
      // make a worker that just caught up look fast.
      const received = this.queued / RATE;
      const elapsed = (performance.now() - this.firstDataAt) / 1000;
      const rate = elapsed > 0 ? received / elapsed : 1;
      const remaining = Math.max(0, this.expected - received);
      return Math.min(8, Math.max(Math.min(4, this.stalls), remaining * (1 - rate)));
    }

    watchFirstSound(when) {
      const check = () => {
        if (this.ctx.currentTime > when) {
          this.firstSoundAt = performance.now();
          this.root.dataset.sounding = "true";
        } else {
          requestAnimationFrame(check);
        }
      };
      check();
    }

    slice(from, to) {
      const out = new Float32Array(to - from);
      let offset = 0;
      let written = 0;
      for (const chunk of this.chunks) {
        const end = offset + chunk.length;
        if (end > from && offset < to) {
          const part = chunk.subarray(Math.max(0, from - offset), Math.min(chunk.length, to - offset));
          out.set(part, written);
          written += part.length;
        }
        offset = end;
      }
      return out;
    }

    // Where the listener is, in seconds, read from the audio clock and what is scheduled.
    position() {
      const now = this.ctx.currentTime;
      let at = this.queued;
      for (const seg of this.segments) {
        if (now < seg.when) {
          at = Math.min(at, seg.start);
          break;
        }
        at = seg.start + Math.min(seg.length, Math.round((now - seg.when) * RATE));
      }
      return at / RATE;
    }

    stop() {
      for (const seg of this.segments) {
        try {
          seg.node.stop();
        } catch (error) {
          // Never started: nothing to stop.
        }
      }
      this.segments = [];
    }

    playFrom(seconds) {
      this.live = false;
      this.stop();
      this.queued = Math.max(0, Math.min(this.samples, Math.round(seconds * RATE)));
      this.nextWhen = 0;
      this.playing = true;
      this.paused = false;
      if (this.ctx.state === "suspended") this.ctx.resume();
      this.schedule();
      this.render();
    }

    toggle() {
      if (!this.playing || this.ended()) {
        this.playFrom(this.ended() ? 0 : this.position());
      } else if (this.paused) {
        this.paused = false;
        this.ctx.resume().then(() => this.schedule());
      } else {
        this.paused = true;
        this.ctx.suspend();
      }
      this.render();
    }

    ended() {
      return this.complete && this.position() >= this.samples / RATE - 0.01;
    }

    total() {
      return this.complete ? this.samples / RATE : Math.max(this.expected, this.samples / RATE);
    }

    seekAt(event) {
      const box = this.canvas.getBoundingClientRect();
      const fraction = (event.clientX - box.left) / box.width;
      this.playFrom(Math.min(this.samples / RATE, fraction * this.total()));
    }

    seekKey(event) {
      const step = { ArrowLeft: -5, ArrowRight: 5 }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      this.playFrom(Math.min(this.samples / RATE, this.position() + step));
    }

    addPeaks(floats) {
      // One peak per 50 ms; drawn scaled to the expected or real length.
      const block = RATE / 20;
      for (let i = 0; i < floats.length; i += block) {
        let peak = 0;
        const end = Math.min(floats.length, i + block);
        for (let j = i; j < end; j++) peak = Math.max(peak, Math.abs(floats[j]));
        this.peaks.push(peak);
      }
    }

    render() {
      if (!this.root.isConnected) return this.destroy();
      const position = this.position();
      const playingNow = this.playing && !this.paused && !this.ended();
      this.button.setAttribute("aria-label", playingNow ? "Pause" : "Play");
      this.button.dataset.state = playingNow ? "playing" : "paused";
      const total = this.complete ? clock(this.total()) : `${clock(this.samples / RATE)}…`;
      this.time.textContent = `${clock(position)} / ${total}`;
      this.root.classList.toggle("is-waiting", playingNow && !this.complete && this.nextWhen < this.ctx.currentTime);
      this.canvas.setAttribute("aria-valuenow", Math.round(position));
      this.canvas.setAttribute("aria-valuetext", `${clock(position)} of ${total}`);
      this.draw(position);
    }

    draw(position) {
      const canvas = this.canvas;
      const width = canvas.clientWidth;
      const height = canvas.clientHeight;
      if (!width || !height) return;
      const scale = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * scale)) canvas.width = Math.round(width * scale);
      if (canvas.height !== Math.round(height * scale)) canvas.height = Math.round(height * scale);
      const g = canvas.getContext("2d");
      g.setTransform(scale, 0, 0, scale, 0, 0);
      g.clearRect(0, 0, width, height);
      const total = this.total() * 20; // in peaks
      if (!total) return;
      const styles = getComputedStyle(canvas);
      const loudest = Math.max(0.05, ...this.peaks.slice(0, 4000));
      const bar = width / BARS;
      for (let b = 0; b < BARS; b++) {
        const from = Math.floor((b / BARS) * total);
        const to = Math.floor(((b + 1) / BARS) * total);
        if (from >= this.peaks.length) break;
        let peak = 0;
        for (let i = from; i < Math.max(from + 1, to) && i < this.peaks.length; i++) peak = Math.max(peak, this.peaks[i]);
        const h = Math.max(2, (peak / loudest) * (height - 4));
        const played = (b + 0.5) / BARS <= position / this.total();
        g.fillStyle = played ? styles.getPropertyValue("--played") : styles.getPropertyValue("--unplayed");
        g.fillRect(b * bar + 0.5, (height - h) / 2, Math.max(1, bar - 1.5), h);
      }
    }

    destroy() {
      clearInterval(this.tick);
      this.abort.abort();
      this.stop();
      if (current === this) current = null;
    }
  }

  function start() {
    const root = document.querySelector("[data-player]:not([data-started])");
    if (!root || !(root.dataset.listen || root.dataset.audio)) return;
    root.dataset.started = "true";
    if (current) current.destroy();
    current = new Player(root);
    const failed = (error) => {
      if (error.name !== "AbortError") root.dataset.error = String(error);
    };
    if (root.dataset.listen) current.listen(root.dataset.listen).catch(failed);
    else {
      const player = current;
      player
        .load(root.dataset.audio)
        .then(() => root.hasAttribute("data-autoplay") && player.playFrom(0))
        .catch(failed);
    }
  }

  window.SpeekoPlayer = Player;
  document.addEventListener("DOMContentLoaded", start);
  // On swap, not settle: the request for the first samples goes out 20 ms sooner.
  document.addEventListener("htmx:afterSwap", start);
})();
