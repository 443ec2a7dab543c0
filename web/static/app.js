// coffre's pages work without this script; it adds, on the upload page,
// a progress bar, a smaller photo on slow networks, and the result shown
// as soon as it is read, and on a result page, the same live result.
"use strict";

// A photo larger than this, on a slow network, is sent resized.
const LARGE_BYTES = 1500000;
const MAX_SIDE = 2400; // pixels: enough for reading a page (about 290 dpi on A4)
const POLL_MS = 500;

function slowNetwork() {
  const c = navigator.connection;
  return !!c && (c.saveData || ["slow-2g", "2g", "3g"].includes(c.effectiveType));
}

// shrink returns the file, or a smaller JPEG of it when it is a large
// photo and the network is slow; the original otherwise, and on any
// doubt (a format the browser cannot draw).
async function shrink(file) {
  if (!file.type.startsWith("image/") || file.size < LARGE_BYTES || !slowNetwork()) {
    return file;
  }
  try {
    const img = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
    if (scale === 1) {
      return file;
    }
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(img.width * scale);
    canvas.height = Math.round(img.height * scale);
    canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.88));
    return blob && blob.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file;
  } catch (e) {
    return file;
  }
}

function showPreviews(form) {
  const box = form.querySelector("#previews");
  box.replaceChildren();
  for (const input of form.querySelectorAll("input[type=file]")) {
    for (const f of input.files) {
      if (f.type.startsWith("image/")) {
        const img = document.createElement("img");
        img.src = URL.createObjectURL(f);
        img.alt = "Aperçu : " + (input.id === "verso" ? "verso" : "recto");
        box.append(img);
      }
    }
  }
}

// poll asks for the result fragment until the document is read, then
// shows it and moves the focus to it.
async function poll(box, url, started) {
  for (;;) {
    const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (resp.redirected || !resp.ok) {
      location.assign(url.replace("?fragment", ""));
      return;
    }
    const html = await resp.text();
    const tmp = document.createElement("div");
    tmp.innerHTML = html;
    const result = tmp.querySelector(".result");
    if (!result || result.dataset.pending !== "true") {
      box.replaceChildren(...tmp.childNodes);
      if (started) {
        box.dataset.elapsedMs = String(Math.round(performance.now() - started));
      }
      const heading = box.querySelector("h2");
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
      return;
    }
    if (!box.querySelector(".result")) {
      box.replaceChildren(...tmp.childNodes);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function send(form, data) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const bar = form.querySelector("#bar");
    xhr.open("POST", "/api/v1/documents");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((100 * e.loaded) / e.total);
      }
    };
    xhr.onload = () => {
      const body = xhr.response || {};
      if (xhr.status === 202 || xhr.status === 200) {
        resolve(body);
      } else {
        reject(new Error(body.error || "L'envoi a échoué : réessayez."));
      }
    };
    xhr.onerror = () => reject(new Error("Pas de connexion au serveur : vérifiez le réseau et réessayez."));
    xhr.send(data);
  });
}

function setupUpload(form) {
  const error = form.querySelector("#upload-error");
  const progress = form.querySelector("#progress");
  const button = form.querySelector("button[type=submit]");
  const box = document.getElementById("result");
  form.addEventListener("change", () => showPreviews(form));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const started = performance.now();
    error.hidden = true;
    button.disabled = true;
    progress.hidden = false;
    box.replaceChildren();
    try {
      const data = new FormData();
      data.append("person_id", form.elements.person_id.value);
      for (const input of form.querySelectorAll("input[type=file]")) {
        for (const f of input.files) {
          data.append("file", await shrink(f));
        }
      }
      const answer = await send(form, data);
      progress.hidden = true;
      await poll(box, "/resultat/" + encodeURIComponent(answer.id) + "?fragment", started);
      form.reset();
      showPreviews(form);
    } catch (e) {
      progress.hidden = true;
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload");
  if (form) {
    setupUpload(form);
  }
  const pending = document.querySelector('.result[data-pending="true"]');
  if (pending) {
    poll(document.getElementById("result"), pending.dataset.poll, 0);
  }
});
