// Explains the password policy as the family types (the server enforces it in any case).
(function () {
  var input = document.getElementById("champ-password");
  var feedback = document.getElementById("retour-mot-de-passe");
  if (!input || !feedback) { return; }
  var minimum = parseInt(feedback.getAttribute("data-minimum"), 10) || 12;
  input.addEventListener("input", function () {
    var length = Array.from(input.value.normalize("NFC")).length;
    if (length === 0) {
      feedback.textContent = "";
    } else if (length < minimum) {
      var missing = minimum - length;
      feedback.textContent = "Encore " + missing + " caractère" + (missing > 1 ? "s" : "") + " au moins.";
    } else {
      feedback.textContent = "Longueur suffisante. Évitez les mots courants, les suites et les noms de la famille.";
    }
  });
})();
