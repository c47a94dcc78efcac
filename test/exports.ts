export * from "../src/index.js";
export * from "../src/testing/index.js";
