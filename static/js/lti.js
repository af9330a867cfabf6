// A form marked data-autosubmit (the deep-linking response) posts itself; its button is the fallback.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
