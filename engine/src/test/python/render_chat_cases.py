"""Renders extra chat-template golden cases with Jinja2 the way Hugging Face transformers does
(sandboxed environment, trim_blocks, lstrip_blocks, tojson = json.dumps(ensure_ascii=False)).

Run from the repository root:
  python3 engine/src/test/python/render_chat_cases.py \
      > engine/src/test/resources/dev/brigade/engine/text/chat_template_extra_cases.json
These cases cover the template branches the shared golden file does not.
"""
import json
from jinja2.sandbox import ImmutableSandboxedEnvironment

CONFIG = "engine/src/main/resources/dev/brigade/engine/qwen3/tokenizer_config.json"


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
env.filters["tojson"] = tojson
template = env.from_string(json.load(open(CONFIG))["chat_template"])

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Wetter für eine Stadt \"quoted\" \\ back\nslash\t\u0001",
           "parameters": {"type": "object", "properties": {"city": {"type": "string", "enum": ["Paris", "東京"]},
                                                            "days": {"type": "integer", "minimum": 1, "maximum": 1e16, "default": 0.5},
                                                            "scale": {"type": "number", "examples": [1e-05, 0.0001, 123.456, -0.0, 1e+22, 12345678901234567890, True, False, None]}},
                          "required": ["city"], "additionalProperties": {}}}}
CALC = {"type": "function", "function": {"name": "calc", "parameters": {"type": "object", "properties": {}, "required": []}}}


def call(name, arguments):
    return {"type": "function", "function": {"name": name, "arguments": arguments}}


CASES = [
    ("system_not_first", dict(messages=[{"role": "user", "content": "Hi"}, {"role": "system", "content": "Late rule"},
                                        {"role": "user", "content": "Again"}], add_generation_prompt=True)),
    ("tools_two_with_floats_and_escapes", dict(messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}],
                                               tools=[WEATHER, CALC], add_generation_prompt=True, enable_thinking=False)),
    ("agentic_turn_keeps_reasoning", dict(messages=[
        {"role": "user", "content": "Old question"},
        {"role": "assistant", "content": "<think>\nold thoughts\n</think>\n\nOld answer"},
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": "Let me check.", "reasoning_content": "\nNeed the tool.\n\n",
         "tool_calls": [call("get_weather", {"city": "Paris"}), call("calc", "{\"x\": 1}")]},
        {"role": "tool", "content": "sunny"},
        {"role": "user", "content": "<tool_response>\nextra\n</tool_response>"},
        {"role": "assistant", "content": "<think>second</think>\n\n\nIt is sunny."},
    ], tools=[CALC], add_generation_prompt=False)),
    ("history_assistant_without_reasoning_after_query", dict(messages=[
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "", "tool_calls": [call("calc", {})]},
        {"role": "tool", "content": "1"},
        {"role": "assistant", "content": "plain answer"},
        {"role": "tool", "content": "2"},
        {"role": "tool", "content": "3"},
    ], add_generation_prompt=True)),
    ("think_split_edge_cases", dict(messages=[
        {"role": "user", "content": "<tool_response>not a real query</tool_response>"},
        {"role": "assistant", "content": "no open tag\n</think>\nafter one</think>\n\nafter two"},
        {"role": "assistant", "content": "<think>a<think>b\n\n</think>c", "reasoning_content": ""},
        {"role": "assistant", "content": "x<think>\n\nr\n</think>y"},
    ], add_generation_prompt=True, enable_thinking=True)),
    ("think_split_edge_cases_after_query", dict(messages=[
        {"role": "user", "content": "real query"},
        {"role": "assistant", "content": "no open tag\n</think>\nafter one</think>\n\nafter two"},
        {"role": "assistant", "content": "\n\nkept newlines", "reasoning_content": ""},
        {"role": "assistant", "content": "x<think>\n\nr\n</think>y"},
        {"role": "assistant", "content": "\nlast", "reasoning_content": ""},
    ])),
    ("tool_first_message", dict(messages=[{"role": "tool", "content": "r"}, {"role": "user", "content": "u"}])),
    ("system_only_with_tools", dict(messages=[{"role": "system", "content": ""}], tools=[CALC], add_generation_prompt=True)),
    ("unknown_role_is_skipped", dict(messages=[{"role": "user", "content": "a"}, {"role": "developer", "content": "dev"},
                                               {"role": "assistant", "content": "b", "tool_calls": [call("calc", {"nested": {"k": [1, 2.5, "é"]}})]}])),
]

out = []
for name, inp in CASES:
    out.append({"name": name, "input": inp, "rendered": template.render(**inp)})
print(json.dumps(out, ensure_ascii=False, indent=1))
