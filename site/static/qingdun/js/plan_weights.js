// Plan settings: redraw the 总分 formula and the weights' sum as the bureau types them. The server renders the
// same preview, so the page reads the same without this script. No inline script (CSP).
(function () {
  "use strict";
  var form = document.querySelector("[data-weights-form]");
  if (!form) { return; }
  var preview = form.querySelector("[data-weights-preview]");
  var total = form.querySelector("[data-weights-total]");
  var inputs = form.querySelectorAll("[data-weight]");

  function redraw() {
    var terms = [];
    var sum = 0;
    inputs.forEach(function (input) {
      var value = parseFloat(input.value);
      if (value > 0) {
        terms.push(value + " × " + input.getAttribute("data-label"));
        sum += value;
      }
    });
    preview.textContent = terms.length
      ? preview.getAttribute("data-template").replace("%(terms)s", terms.join(" + ")).replace("%(total)s", String(sum))
      : preview.getAttribute("data-empty");
    total.textContent = total.getAttribute("data-template").replace("%(total)s", String(sum));
  }

  inputs.forEach(function (input) { input.addEventListener("input", redraw); });
})();
