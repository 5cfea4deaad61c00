/*
 * phrases.c - data only: the provider table (see phrases.h).
 *
 * Phrases are plain text; dataset_origin.c turns each into a tolerant
 * pattern (any whitespace run, straight or curly apostrophes, JSON \u
 * escapes, case).  Keep them short and specific: generic refusals ("I'm
 * just an AI") would implicate nobody in particular.  Self-claims are weak
 * evidence on their own (models mislabel themselves); a cluster of them,
 * or a metadata field naming the model, is what the findings rest on.
 * Templates (refusals, canned disclaimers) are weaker still: other models
 * learn them from the provider's outputs, which is also worth knowing.
 */
#include "phrases.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

const struct origin_provider origin_providers[] = {
	{ "openai", "OpenAI", "ChatGPT / GPT-3.5 / GPT-4",
	  LIST("LicenseRef-OpenAI-Terms",
	       "LicenseRef-OpenAI-Services-Agreement"),
	  LIST("As an AI language model",
	       "As an AI developed by OpenAI",
	       "I am ChatGPT",
	       "I'm ChatGPT",
	       "large language model trained by OpenAI",
	       "based on the GPT-4 architecture",
	       "You are ChatGPT, a large language model"),
	  LIST("gpt-3", "gpt-4", "gpt-5", "chatgpt", "text-davinci",
	       "davinci", "o1", "o3", "o4-mini"),
	  LIST("As of my last knowledge update",
	       "as of my knowledge cutoff",
	       "I'm sorry, but I can't assist with that",
	       "I'm sorry, but I cannot assist with that") },
	{ "openai-gpt-oss", "OpenAI", "gpt-oss (open weights)",
	  LIST("Apache-2.0", "LicenseRef-gpt-oss-Usage-Policy"),
	  LIST("I am gpt-oss"),
	  LIST("gpt-oss"),
	  NULL },
	{ "anthropic", "Anthropic", "Claude",
	  LIST("LicenseRef-Anthropic-Terms",
	       "LicenseRef-Anthropic-Consumer-Terms"),
	  LIST("I am Claude, an AI assistant",
	       "I'm Claude, made by Anthropic",
	       "I'm Claude, an AI assistant",
	       "AI assistant created by Anthropic"),
	  LIST("claude"),
	  LIST("I apologize, but I do not feel comfortable",
	       "I don't actually have the ability to") },
	{ "google-gemini", "Google", "Gemini / Bard / PaLM",
	  LIST("LicenseRef-Gemini-API-Terms",
	       "LicenseRef-Google-Generative-AI-Terms",
	       "LicenseRef-Google-Generative-AI-Prohibited-Use-Policy"),
	  LIST("I am a large language model, trained by Google",
	       "I'm Gemini",
	       "I am Gemini",
	       "I'm Bard"),
	  LIST("gemini", "bard", "palm", "text-bison", "chat-bison"),
	  LIST("I'm a text-based AI and can't help with that",
	       "I'm just a language model, so I can't help",
	       "as I'm only a language model") },
	{ "google-gemma", "Google", "Gemma (open weights)",
	  LIST("LicenseRef-Gemma-Terms",
	       "LicenseRef-Gemma-Prohibited-Use-Policy"),
	  LIST("I am Gemma",
	       "I'm Gemma"),
	  LIST("gemma"),
	  NULL },
	{ "meta-llama", "Meta", "Llama / Meta AI",
	  LIST("LicenseRef-Llama-2-Community",
	       "LicenseRef-Llama-3-Community",
	       "LicenseRef-Llama-3.1-Community",
	       "LicenseRef-Llama-3.3-Community",
	       "LicenseRef-Llama-4-Community"),
	  LIST("I'm LLaMA, a large language model",
	       "I'm Llama, an AI assistant developed by Meta",
	       "I'm Meta AI",
	       "I am Meta AI"),
	  LIST("llama", "meta-llama", "codellama"),
	  LIST("not within my programming or ethical guidelines",
	       "As a responsible AI language model") },
	{ "alibaba-qwen", "Alibaba Cloud", "Qwen / Tongyi Qianwen",
	  LIST("LicenseRef-Tongyi-Qianwen", "LicenseRef-Qwen",
	       "LicenseRef-Qwen-Research", "Apache-2.0"),
	  LIST("I am Qwen",
	       "I'm Qwen",
	       "created by Alibaba Cloud",
	       "developed by Alibaba Cloud",
	       "\xE6\x88\x91\xE6\x98\xAF\xE9\x80\x9A\xE4\xB9\x89"
	       "\xE5\x8D\x83\xE9\x97\xAE",          /* "I am Tongyi Qianwen" */
	       "\xE9\x98\xBF\xE9\x87\x8C\xE4\xBA\x91\xE5\xBC\x80"
	       "\xE5\x8F\x91\xE7\x9A\x84"),         /* "developed by Alibaba
	                                               Cloud" */
	  LIST("qwen", "qwq", "tongyi"),
	  NULL },
	{ "deepseek", "DeepSeek", "DeepSeek V2 / V3 / R1",
	  LIST("LicenseRef-DeepSeek-Model", "MIT"),
	  LIST("I am DeepSeek",
	       "I'm DeepSeek",
	       "\xE6\x88\x91\xE6\x98\xAF" "DeepSeek"),  /* "I am DeepSeek" */
	  LIST("deepseek"),
	  NULL },
	{ "zhipu-glm", "Zhipu AI", "ChatGLM / GLM",
	  LIST("LicenseRef-ChatGLM-6B-Model"),
	  LIST("I am ChatGLM",
	       "\xE6\x88\x91\xE6\x98\xAF\xE4\xBA\xBA\xE5\xB7\xA5"
	       "\xE6\x99\xBA\xE8\x83\xBD\xE5\x8A\xA9\xE6\x89\x8B"
	       " ChatGLM"),                         /* "I am the AI
	                                               assistant ChatGLM" */
	  LIST("chatglm", "glm-"),
	  NULL },
	{ "mistral", "Mistral AI", "Mistral / Le Chat",
	  LIST("Apache-2.0", "LicenseRef-Mistral-Research",
	       "LicenseRef-Mistral-Non-Production",
	       "LicenseRef-Mistral-API-Terms"),
	  LIST("Large Language Model trained by Mistral AI",
	       "I'm Le Chat"),
	  LIST("mistral", "mixtral", "codestral", "ministral"),
	  NULL },
	{ "xai", "xAI", "Grok",
	  LIST("LicenseRef-xAI-Terms"),
	  LIST("I am Grok, built by xAI",
	       "I'm Grok, built by xAI"),
	  LIST("grok"),
	  NULL },
	{ "cohere", "Cohere", "Command / Coral / Aya",
	  LIST("CC-BY-NC-4.0"),
	  LIST("large language model called Command R",
	       "I am Command, a large language model built by Cohere",
	       "I'm Coral"),
	  LIST("command-r", "command-a", "c4ai", "aya-"),
	  NULL },
	{ "microsoft", "Microsoft", "Phi / Copilot",
	  LIST("MIT"),
	  LIST("I am Phi, a language model developed by Microsoft",
	       "I'm Microsoft Copilot"),
	  LIST("phi-"),
	  LIST("I'm sorry but I prefer not to continue this conversation") },
	{ "tii-falcon", "TII", "Falcon",
	  LIST("LicenseRef-Falcon-180B-TII", "LicenseRef-Falcon-TII"),
	  LIST("I'm Falcon, a large language model built by the "
	       "Technology Innovation Institute"),
	  LIST("falcon"),
	  NULL },
	{ "lmsys-vicuna", "LMSYS", "Vicuna (ShareGPT-derived)",
	  LIST("LicenseRef-Llama-2-Community", "LicenseRef-OpenAI-Terms"),
	  LIST("I'm Vicuna, a language model trained by researchers"),
	  LIST("vicuna"),
	  NULL },
};

const size_t origin_provider_count =
	sizeof(origin_providers) / sizeof(origin_providers[0]);

const char *const origin_model_keys[] = {
	"model", "model_name", "model_id", "generator", "generated_by",
	"teacher", "teacher_model", "source", "source_model", NULL
};
