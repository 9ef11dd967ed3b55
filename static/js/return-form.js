// Live status on the return form. The server derives the value from the
// numerator and denominator, checks that they agree, rates it with the one
// rating module and says whether it is unusual for the KPI; this script only
// sends what was typed and shows the answer.
(function () {
  var form = document.getElementById("return-form");
  if (!form) { return; }
  var url = form.dataset.previewUrl;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};

  function field(name, id) { return document.getElementById("id_" + name + "_" + id); }

  function show(id, data) {
    var holder = document.getElementById("status-" + id);
    var question = document.getElementById("unusual-" + id);
    holder.textContent = "";
    if (data.error) {
      var error = document.createElement("span");
      error.className = "small text-danger live-error";
      error.textContent = data.error;
      holder.appendChild(error);
    } else if (data.status) {
      if (data.derived) {
        var value = document.createElement("span");
        value.className = "derived-value me-1";
        value.textContent = data.shown;
        holder.appendChild(value);
      }
      var chip = document.createElement("span");
      chip.className = "chip chip-" + data.status;
      chip.textContent = data.label;
      holder.appendChild(chip);
    }
    if (question) {
      // The tick is the page's own; shown while the value is unusual, and
      // kept shown once ticked (the server asks again on save).
      var box = field("confirm", id);
      var text = question.querySelector(".unusual-text");
      if (data.unusual) { text.textContent = data.unusual; }
      question.hidden = !data.unusual && !(box && box.checked);
      if (!data.unusual) { text.textContent = ""; }
    }
  }

  function preview(id) {
    var typed = {value: field("value", id), numerator: field("numerator", id), denominator: field("denominator", id)};
    var body = new URLSearchParams({kpi: id});
    var any = false;
    Object.keys(typed).forEach(function (name) {
      var text = typed[name] ? typed[name].value : "";
      if (text.trim()) { any = true; }
      body.append(name, text);
    });
    if (!any) { show(id, {}); return; }
    fetch(url, {method: "POST", body: body, headers: {"X-CSRFToken": token}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) { show(id, data); })
      .catch(function () { document.getElementById("status-" + id).textContent = ""; });
  }

  form.querySelectorAll(".value-input").forEach(function (input) {
    var id = input.dataset.kpiId;
    // After a refused save the page comes back with the typed values kept
    // but not rated: rate them now, so the status column is not blank.
    var holder = document.getElementById("status-" + id);
    var typed = ["value", "numerator", "denominator"].some(function (name) {
      var box = field(name, id);
      return box && box.value.trim();
    });
    if (typed && holder && !holder.textContent.trim()) { preview(id); }
    ["value", "numerator", "denominator"].forEach(function (name) {
      var box = field(name, id);
      if (!box) { return; }
      box.addEventListener("input", function () {
        clearTimeout(timers[id]);
        timers[id] = setTimeout(function () { preview(id); }, 250);
      });
    });
  });
})();
