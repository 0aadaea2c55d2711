import { mount } from "svelte";
import { markScriptStart } from "./lib/startMarks";
import "./app.css";
import Root from "./Root.svelte";

markScriptStart();

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

export default mount(Root, { target });
