const res = await fetch("http://127.0.0.1:8080/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true }) });
const reader = res.body.getReader();
const dec = new TextDecoder();
let buf = "";
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  buf += dec.decode(value, { stream: true });
  let i;
  while ((i = buf.indexOf("\n\n")) !== -1) {
    const ev = buf.slice(0, i);
    buf = buf.slice(i + 2);
    if (ev.startsWith("data: ") && ev !== "data: [DONE]") console.log(JSON.parse(ev.slice(6)).choices[0]?.delta?.content ?? "");
  }
}
