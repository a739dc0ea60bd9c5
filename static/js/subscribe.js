// The Subscribe page: copy buttons, and addresses shown from their end, where feeds differ.
// Show the end of each address, where the feeds differ.
document.querySelectorAll(".feed-url input").forEach(function (input) { input.scrollLeft = input.scrollWidth; });
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copy);
    input.select();
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); }); }
    else { document.execCommand("copy"); done(); }
  });
});
