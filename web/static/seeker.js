// The seeker pages' one script: the 朗读 (read aloud) buttons, shown only where the browser can speak Chinese.
// Everything else works without JavaScript.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  function chineseVoice() {
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^zh([-_]CN)?/i.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }
  function speak(text) {
    window.speechSynthesis.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    var voice = chineseVoice();
    if (voice) { utterance.voice = voice; }
    window.speechSynthesis.speak(utterance);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.speak[data-speak]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) {
        speak(event.currentTarget.getAttribute("data-speak"));
      });
    }
  });
})();
