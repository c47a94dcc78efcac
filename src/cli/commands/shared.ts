/** Flags that say which server to talk to, shared by chat and models. */
export const TARGET_FLAGS = ["provider", "model", "base-url", "profile", "config", "timeout"] as const;

export const TARGET_HELP = `  --provider ID         a preset (see mimir-llm providers), or "mock" for the offline simulator
  --model NAME          the model
  --base-url URL        any OpenAI-compatible server
  --profile NAME        a profile from the config file
  --config PATH         the config file (default: $MIMIR_LLM_CONFIG, ./mimir-llm.yaml,
                        $XDG_CONFIG_HOME/mimir-llm/config.yaml); with no --provider, --base-url
                        or --profile its \`default:\` profile is used (none: an error; no file: Ollama)
  --timeout MS          per-attempt timeout`;
