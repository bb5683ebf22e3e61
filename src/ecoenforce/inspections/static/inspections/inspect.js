// The on-site inspection form: signatures drawn on canvas, photos, GPS, a draft kept in
// localStorage, and an offline queue in IndexedDB. A submission carries a key made on the device;
// the server stores a key once, so a replay after the network returns is never a duplicate.
(function () {
  "use strict";
  var DB = "ecoenforce-inspections", STORE = "queue";
  var form = document.getElementById("inspection-form");

  function idb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return idb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), out = fn(store);
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  var queue = {
    put: function (rec) { return tx("readwrite", function (s) { return s.put(rec); }); },
    all: function () { return tx("readonly", function (s) { return s.getAll(); }); },
    del: function (key) { return tx("readwrite", function (s) { return s.delete(key); }); }
  };

  function newKey() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function show(id, text, kind) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.className = "alert alert-" + (kind || "warning") + (text ? "" : " d-none");
    el.textContent = "";
    (Array.isArray(text) ? text : [text]).forEach(function (line) {
      if (!line) { return; }
      var div = document.createElement("div");
      div.textContent = line;
      el.appendChild(div);
    });
  }

  function send(rec) {
    return fetch(rec.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": rec.csrf },
      body: JSON.stringify(rec.payload)
    }).then(function (resp) {
      return resp.json().catch(function () { return { ok: false, errors: ["服务器返回异常，请稍后重试"] }; })
        .then(function (data) { return { status: resp.status, data: data }; });
    });
  }

  var flushing = false;
  function flush() {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    return queue.all().then(function (records) {
      var chain = Promise.resolve();
      records.forEach(function (rec) {
        chain = chain.then(function () {
          return send(rec).then(function (r) {
            if (r.status >= 500) { return; }  // keep it; try again later
            return queue.del(rec.key).then(function () {
              var here = form && form.getAttribute("data-submit-url") === rec.url;
              if (r.status === 200 && r.data.ok) {
                localStorage.removeItem(rec.draftKey);
                if (here) { window.location.assign(r.data.url); }
                else { show("offline-queue-status", "离线保存的检查记录已提交：" + (r.data.result || ""), "success"); }
              } else if (here) {
                show("net-status", "");
                show("form-errors", (r.data && r.data.errors) || ["提交未成功"], "danger");
              }
            });
          });
        });
      });
      return chain;
    }).catch(function () {
      show(form ? "net-status" : "offline-queue-status",
        "网络已断开：检查记录（含照片和签名）已保存在本机，网络恢复后将自动提交，且只提交一次。");
    }).then(function () { flushing = false; });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  if (window.indexedDB) { flush(); }
  if (!form) { return; }

  // --- draft: everything typed survives a reload; the key too, so a retry is the same submission
  var draftKey = form.getAttribute("data-draft-key");
  var draft = JSON.parse(localStorage.getItem(draftKey) || "null") || { key: newKey(), values: {} };
  function fields() { return form.querySelectorAll("input:not([type=file]), textarea"); }
  function fieldId(el) { return el.id || (el.name + ":" + el.value); }
  fields().forEach(function (el) {
    var saved = draft.values[fieldId(el)];
    if (saved === undefined) { return; }
    if (el.type === "checkbox" || el.type === "radio") { el.checked = saved; } else { el.value = saved; }
  });
  function saveDraft() {
    fields().forEach(function (el) {
      if (el.name === "csrfmiddlewaretoken") { return; }
      draft.values[fieldId(el)] = (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value;
    });
    localStorage.setItem(draftKey, JSON.stringify(draft));
  }
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  var refused = document.getElementById("refused");
  function toggleRefusal() { document.getElementById("refusal-box").classList.toggle("d-none", !refused.checked); }
  refused.addEventListener("change", toggleRefusal);
  toggleRefusal();

  document.getElementById("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { show("form-errors", "本设备无法定位，请手工填写经纬度", "warning"); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("longitude").value = pos.coords.longitude.toFixed(6);
      saveDraft();
    }, function () { show("form-errors", "定位失败，请手工填写经纬度", "warning"); });
  });

  // --- photos: read as data URLs, kept with the submission
  var photos = [];
  document.getElementById("photos").addEventListener("change", function (evt) {
    Array.prototype.forEach.call(evt.target.files, function (file) {
      var reader = new FileReader();
      reader.onload = function () {
        photos.push({ name: file.name, data: reader.result, latitude: document.getElementById("latitude").value,
                      longitude: document.getElementById("longitude").value });
        var img = document.createElement("img");
        img.src = reader.result;
        img.alt = file.name;
        document.getElementById("photo-list").appendChild(img);
      };
      reader.readAsDataURL(file);
    });
  });

  // --- signatures on canvas
  form.querySelectorAll(".signature").forEach(function (box) {
    var canvas = box.querySelector("canvas"), ctx = canvas.getContext("2d"), drawing = false;
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#000";
    function at(evt) {
      var r = canvas.getBoundingClientRect();
      return [(evt.clientX - r.left) * canvas.width / r.width, (evt.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (evt) {
      drawing = true; box.dataset.signed = "1";
      var p = at(evt); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
      canvas.setPointerCapture(evt.pointerId);
    });
    canvas.addEventListener("pointermove", function (evt) {
      if (!drawing) { return; }
      var p = at(evt); ctx.lineTo(p[0], p[1]); ctx.stroke();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    box.querySelector(".sig-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); delete box.dataset.signed;
    });
  });

  function payload() {
    var items = {};
    form.querySelectorAll(".check-item").forEach(function (fs) {
      var code = fs.getAttribute("data-code"), checked = fs.querySelector("input[type=radio]:checked");
      items[code] = [checked ? checked.value : "", fs.querySelector(".item-note").value];
    });
    var signatures = [];
    form.querySelectorAll(".signature").forEach(function (box) {
      if (!box.dataset.signed) { return; }
      var role = box.getAttribute("data-role");
      signatures.push({ role: role, officer: box.getAttribute("data-officer") || null,
        name: role === "party" ? document.getElementById("party_name").value : box.getAttribute("data-name"),
        data: box.querySelector("canvas").toDataURL("image/png") });
    });
    return { key: draft.key, certificate_shown: document.getElementById("certificate_shown").checked,
      refused: refused.checked, refusal_note: document.getElementById("refusal_note").value,
      summary: document.getElementById("summary").value, latitude: document.getElementById("latitude").value,
      longitude: document.getElementById("longitude").value, items: items, photos: photos, signatures: signatures };
  }

  form.addEventListener("submit", function (evt) {
    evt.preventDefault();
    saveDraft();
    show("form-errors", "");
    var rec = { key: draft.key, url: form.getAttribute("data-submit-url"), draftKey: draftKey,
      csrf: form.querySelector("[name=csrfmiddlewaretoken]").value, payload: payload() };
    var button = document.getElementById("submit-btn");
    button.disabled = true;
    queue.put(rec).then(flush).then(function () { button.disabled = false; });
  });
})();
