// Any button marked data-print prints the page. A static file rather than an
// inline onclick, so the Content-Security-Policy needs no 'unsafe-inline'.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
