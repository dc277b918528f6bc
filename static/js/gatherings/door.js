// The door page, made quicker with JavaScript. Everything here is optional: the
// page works as plain forms without it.
// - An Undo button disappears when its time is up (the server refuses it after that anyway).
// - After a check-in, the search field is emptied and focused for the next person.
// - Where the phone has a camera, a "Scan code" button reads the QR code from the
//   email and submits it through the personal code form. The browser's own
//   BarcodeDetector is used where there is one, else the vendored jsQR (loaded on demand).
(function () {
  "use strict";

  function expireUndo(root) {
    root.querySelectorAll("[data-door-undo]").forEach(function (form) {
      if (form.dataset.doorUndoTimer) { return; }
      form.dataset.doorUndoTimer = "1";
      var seconds = parseInt(form.dataset.doorUndo, 10) || 30;
      window.setTimeout(function () { form.remove(); }, seconds * 1000);
    });
  }

  function readyForNext(event) {
    if (!event.detail.target || event.detail.target.id !== "door-result-area") { return; }
    var field = document.getElementById("id_q");
    var code = document.getElementById("id_code");
    if (code) { code.value = ""; }
    if (field) { field.focus(); field.select(); }
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) { resolve(); return; }
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function makeDecoder(form) {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function (video) {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      });
    }
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return loadScript(form.dataset.doorScannerSrc).then(function () {
      return function (video) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        if (!canvas.width) { return Promise.resolve(null); }
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found ? found.data : null);
      };
    });
  }

  function scan(form, button) {
    var panel = form.querySelector(".door-scanner");
    var video = panel.querySelector("video");
    var stream = null;
    var running = true;

    function stop() {
      running = false;
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      panel.hidden = true;
      button.hidden = false;
      button.focus();
    }

    panel.querySelector("[data-door-scanner-stop]").onclick = stop;
    button.hidden = true;
    panel.hidden = false;
    Promise.all([
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
      makeDecoder(form)
    ]).then(function (results) {
      stream = results[0];
      var decode = results[1];
      video.srcObject = stream;
      return video.play().then(function () {
        (function tick() {
          if (!running) { return; }
          decode(video).then(function (text) {
            if (text && running) {
              form.querySelector("[name=code]").value = text.trim();
              stop();
              form.requestSubmit();
            } else {
              window.setTimeout(tick, 200);
            }
          }, function () { window.setTimeout(tick, 400); });
        })();
      });
    }).catch(stop);
  }

  function addScanButton(form) {
    if (form.dataset.doorScanReady) { return; }
    form.dataset.doorScanReady = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button--secondary door-scan-button";
    button.textContent = form.dataset.doorScanLabel;
    button.addEventListener("click", function () { scan(form, button); });
    form.appendChild(button);
  }

  function offerScanning(root) {
    var forms = root.querySelectorAll("[data-door-code-form]");
    if (!forms.length || !navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) { return; }
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      var camera = devices.some(function (device) { return device.kind === "videoinput"; });
      if (camera) { forms.forEach(addScanButton); }
    }).catch(function () {});
  }

  function setUp(root) {
    expireUndo(root);
    offerScanning(root);
  }

  if (window.htmx) {
    htmx.onLoad(setUp);
    document.addEventListener("htmx:afterSwap", readyForNext);
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  }
})();
