/* Import page: files go to POST /import/upload as multipart (streamed to disk on the server),
   never through a Dash callback body; the answer (upload id and inspection) is handed to Dash
   through the `import-upload` store. */
(function () {
  "use strict";

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function upload(button, files) {
    var state = button.dataset.uploading || "…";
    setProps("import-upload-state", { children: state });
    button.disabled = true;
    var body = new FormData();
    Array.prototype.forEach.call(files, function (file) {
      body.append("files", file, file.name);
    });
    fetch("/import/upload", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return { error: response.status + " " + response.statusText };
          });
      })
      .then(function (answer) {
        var names = (answer.files || []).join("、");
        setProps("import-upload-state", {
          children: answer.error ? (button.dataset.failed || "") + answer.error : names,
        });
        setProps("import-upload", {
          data: answer.error ? { error: answer.error } : { upload_id: answer.upload_id, files: answer.files },
        });
      })
      .catch(function (error) {
        setProps("import-upload-state", { children: (button.dataset.failed || "") + error });
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#import-choose");
    if (!button) {
      return;
    }
    var input = document.createElement("input");
    input.type = "file";
    input.multiple = true;
    input.accept = ".xlsx,.xls,.csv,.tsv,.txt";
    input.style.display = "none";
    input.id = "import-files";
    input.addEventListener("change", function () {
      if (input.files && input.files.length) {
        upload(button, input.files);
      }
      input.remove();
    });
    document.body.appendChild(input);
    input.click();
  });
})();
