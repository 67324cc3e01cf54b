/* js/texts_gz.js: the plan texts, inflated after the first paint (issue 17).
 *
 * The page carries its plan texts (provisions, headings, mentions, unit references: the side
 * panel's and the search's data, most of a page's bytes) gzip-compressed and base64-encoded in
 * the script element #atlas-texts-gz (type application/octet-stream) after the map's script, so the
 * browser draws the map first and tokenizes a quarter of the bytes. window.atlasTexts() inflates
 * them with the browser's own DecompressionStream (no network: works offline and from file://)
 * into a new JSON script element #atlas-texts, which atlas.js reads as before.
 * It returns a promise; called twice, it inflates once.
 */
(function () {
  "use strict";
  var done = null;

  function inflate(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  window.atlasTexts = function () {
    if (done) return done;
    var packed = document.getElementById("atlas-texts-gz");
    if (!packed || document.getElementById("atlas-texts")) { done = Promise.resolve(); return done; }
    var out = document.createElement("script");
    out.type = "application/json";
    out.id = "atlas-texts";
    if (typeof DecompressionStream === "undefined") {
      // very old browsers: the map works, the panel shows no plan texts (say so once)
      if (window.console) console.warn("atlas: this browser cannot inflate the plan texts (no DecompressionStream)");
      out.textContent = "{}";
      document.body.appendChild(out);
      done = Promise.resolve();
      return done;
    }
    done = inflate(packed.textContent.trim()).then(function (text) {
      out.textContent = text;
      document.body.appendChild(out);
    });
    return done;
  };
})();
