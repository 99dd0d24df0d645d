// The progress bar of a bulk upload being checked or applied. Without this script the page has a
// Refresh link; with it, the bar moves by itself and the page reloads when the status moves on
// (to the preview, or the results).
const box = document.querySelector("[data-bulk-progress]");
if (box) {
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-bulk-progress-text]");
  const poll = async () => {
    try {
      const answer = await fetch(box.dataset.bulkProgress, { headers: { Accept: "application/json" } });
      if (answer.ok) {
        const progress = await answer.json();
        if (progress.status !== box.dataset.status) {
          window.location.reload();
          return;
        }
        bar.max = progress.of;
        bar.value = progress.done;
        bar.textContent = `${Math.floor((progress.done * 100) / Math.max(progress.of, 1))}%`;
        text.textContent = `${progress.done} of ${progress.of}`;
      }
    } catch {
      // A moment offline: ask again next time.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
