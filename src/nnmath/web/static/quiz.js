// Teaching mode: the API hides one factor or gradient of a derivation (POST .../quiz) and
// checks the answer typed (POST .../quiz/{id}) within its tolerance.

import { fmt } from "./format.js";
import { $, api, guard, page } from "./page.js";

async function askQuiz() {
  $("quiz-question").textContent = "";                  // no old question while the new one comes
  $("quiz-result").textContent = "";
  const q = await api("POST", "/quiz", {});
  page.quizId = q.quiz;
  $("quiz").hidden = false;
  $("quiz-question").textContent = q.question;
  $("quiz-html").innerHTML = q.html || "";
  $("quiz-result").textContent = "";
  $("quiz-result").className = "";
  $("quiz-solution").replaceChildren();
  $("quiz-answer").value = "";
  $("quiz-answer").focus();
}

async function checkQuiz() {
  if (!page.quizId) return;
  const text = $("quiz-answer").value.trim().replace("−", "-");
  const answer = Number(text);
  if (text === "" || !Number.isFinite(answer)) throw new Error(`The answer must be a number. Got ${JSON.stringify(text)}.`);
  const r = await api("POST", `/quiz/${page.quizId}`, { answer });
  $("quiz-result").textContent = r.correct
    ? `Correct: ${fmt(r.expected)} (within ±${fmt(r.tolerance)}).`
    : `Not quite: the value is ${fmt(r.expected)} (tolerance ±${fmt(r.tolerance)}); you typed ${fmt(answer)}.`;
  $("quiz-result").className = r.correct ? "correct" : "incorrect";
  $("quiz-solution").innerHTML = r.html || "";
}

/** Wire the question and the answer (Enter checks it). */
export function wireQuiz(on) {
  on("quiz-ask", "click", askQuiz);
  on("quiz-check", "click", checkQuiz);
  $("quiz-answer").addEventListener("keydown", (event) => {
    if (event.key === "Enter") guard(checkQuiz)();
  });
}
