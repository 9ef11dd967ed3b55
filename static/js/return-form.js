// Live status on the return form. The server rates the value with the one
// rating module; this script only sends what was typed and shows the answer.
(function () {
  var form = document.getElementById("return-form");
  if (!form) { return; }
  var url = form.dataset.previewUrl;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};

  function show(holder, data) {
    holder.textContent = "";
    if (data.error) {
      var error = document.createElement("span");
      error.className = "small text-danger";
      error.textContent = data.error;
      holder.appendChild(error);
    } else if (data.status) {
      var chip = document.createElement("span");
      chip.className = "chip chip-" + data.status;
      chip.textContent = data.label;
      holder.appendChild(chip);
    }
  }

  function preview(input) {
    var holder = document.getElementById("status-" + input.dataset.kpiId);
    if (!input.value.trim()) { holder.textContent = ""; return; }
    var body = new URLSearchParams({kpi: input.dataset.kpiId, value: input.value});
    fetch(url, {method: "POST", body: body, headers: {"X-CSRFToken": token}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) { show(holder, data); })
      .catch(function () { holder.textContent = ""; });
  }

  form.querySelectorAll(".value-input").forEach(function (input) {
    // After a refused save the page comes back with the typed values kept
    // but not rated: rate them now, so the status column is not blank.
    var holder = document.getElementById("status-" + input.dataset.kpiId);
    if (input.value.trim() && holder && !holder.textContent.trim()) { preview(input); }
    input.addEventListener("input", function () {
      clearTimeout(timers[input.name]);
      timers[input.name] = setTimeout(function () { preview(input); }, 250);
    });
  });
})();
