//! An "Examples:" block for the help of every command, kept in one table so that they read alike.
//! `attach` puts them into the command tree; a test makes sure no command is left without one.

/// Examples by command path (without the leading `jaicp`).
const EXAMPLES: &[(&str, &str)] = &[
    (
        "calls",
        "jaicp calls add-phones leads.csv --wait --report\njaicp calls status -o json",
    ),
    (
        "calls add-phones",
        "jaicp calls add-phones examples/numbers.csv --wait --report\n\
         JAICP_CAMPAIGN_TOKEN_FILE=~/.jaicp/campaign jaicp calls add-phones leads.csv\n\
         cat leads.csv | jaicp calls add-phones - -o json",
    ),
    (
        "calls status",
        "jaicp calls status\njaicp calls status -o json",
    ),
    (
        "calls control",
        "jaicp calls control pause\njaicp calls control stop --yes",
    ),
    (
        "calls report",
        "jaicp calls report jobs -o csv > jobs.csv\njaicp calls report attempts --from 2026-01-01T00:00:00Z",
    ),
    (
        "chat",
        "jaicp chat\njaicp chat send \"What are your prices?\"\njaicp chat events --count 1",
    ),
    (
        "chat send",
        "jaicp chat send hello\njaicp chat send --event start -o json\njaicp chat send hi --client-id alice",
    ),
    (
        "chat events",
        "jaicp chat events --count 5 -o jsonl\njaicp chat events --since 1767225600000 --timeout 10m",
    ),
    ("pushgate", "jaicp pushgate fire --link-file link.txt"),
    (
        "pushgate fire",
        "jaicp pushgate fire --link-file link.txt --data-file data.json\njaicp pushgate fire < link.txt",
    ),
    (
        "imputer",
        "jaicp imputer synth --template greeting --var name=Anna --out greeting.wav",
    ),
    (
        "imputer synth",
        "jaicp imputer synth --template greeting --var name=Anna --out greeting.wav\n\
         jaicp imputer synth --template greeting --speed 1.2 --out - > greeting.wav",
    ),
    (
        "nlp",
        "jaicp nlp export nlu.json\njaicp nlp infer \"I want a refund\"",
    ),
    (
        "nlp export",
        "jaicp nlp export nlu.json\njaicp nlp export - --keep-ids | jq .intents",
    ),
    (
        "nlp import",
        "jaicp nlp import nlu.json --train\ncat nlu.json | jaicp nlp import -",
    ),
    (
        "nlp train",
        "jaicp nlp train --wait\njaicp nlp train --full --wait --timeout 20m",
    ),
    ("nlp status", "jaicp nlp status\njaicp nlp status -o json"),
    (
        "nlp infer",
        "jaicp nlp infer \"I want a refund\" --n-best 3\njaicp nlp infer hello -o json",
    ),
    (
        "nlp intents",
        "jaicp nlp intents list\njaicp nlp intents search refund",
    ),
    (
        "nlp intents list",
        "jaicp nlp intents list\njaicp nlp intents list -o csv",
    ),
    ("nlp intents get", "jaicp nlp intents get 12"),
    (
        "nlp intents search",
        "jaicp nlp intents search refund -o json",
    ),
    ("nlp intents delete", "jaicp nlp intents delete 12 13 --yes"),
    (
        "nlp entities",
        "jaicp nlp entities list\njaicp nlp entities records city",
    ),
    ("nlp entities list", "jaicp nlp entities list -o json"),
    (
        "nlp entities records",
        "jaicp nlp entities records city\njaicp nlp entities records favourites --client-id alice",
    ),
    (
        "nlp entities delete",
        "jaicp nlp entities delete city --yes",
    ),
    (
        "nlp speller",
        "jaicp nlp speller get > dictionary.tsv\njaicp nlp speller set dictionary.tsv",
    ),
    ("nlp speller get", "jaicp nlp speller get > dictionary.tsv"),
    (
        "nlp speller set",
        "jaicp nlp speller set dictionary.tsv\ncat dictionary.tsv | jaicp nlp speller set -",
    ),
    (
        "project",
        "jaicp project list\njaicp project get demo-bot-1-emu",
    ),
    (
        "project list",
        "jaicp project list\njaicp project list -o csv --size 500",
    ),
    (
        "project get",
        "jaicp project get 1\njaicp project get demo-bot-1-emu -o table",
    ),
    (
        "project create",
        "jaicp project create --name Support --template zb-echo-cailapub-template_ru",
    ),
    (
        "project update",
        "jaicp project update 1 --name Support --description \"first line\"",
    ),
    (
        "project clone",
        "jaicp project clone 1 --name \"Support copy\"",
    ),
    (
        "project delete",
        "jaicp project delete 1\njaicp project delete 1 --yes",
    ),
    (
        "channel",
        "jaicp channel list --project-id 1\njaicp channel deploy --project demo-bot-1-emu --bot-id 1-demo-bot-1-emu-1 --wait",
    ),
    ("channel list", "jaicp channel list --project-id 1 -o json"),
    (
        "channel get",
        "jaicp channel get 1\njaicp channel get 1 --show-secrets",
    ),
    (
        "channel create",
        "jaicp channel create --project-id 1 --type CHAT_API --name web",
    ),
    ("channel delete", "jaicp channel delete 2 --yes"),
    (
        "channel deploy",
        "jaicp channel deploy --project demo-bot-1-emu --bot-id 1-demo-bot-1-emu-1 --wait --timeout 15m",
    ),
    (
        "reporter",
        "jaicp reporter sessions --limit 10\njaicp reporter report sessions --download sessions.csv",
    ),
    (
        "reporter sessions",
        "jaicp reporter sessions --limit 10\njaicp reporter sessions --from 2026-01-01T00:00:00Z -o csv",
    ),
    (
        "reporter messages",
        "jaicp reporter messages --project demo-bot-1-emu -o jsonl",
    ),
    (
        "reporter clients",
        "jaicp reporter clients --limit 100 -o csv",
    ),
    (
        "reporter report",
        "jaicp reporter report sessions --download sessions.csv\njaicp reporter report messages --xlsx --download messages.xlsx",
    ),
    (
        "reporter labels",
        "jaicp reporter labels list\njaicp reporter labels create urgent",
    ),
    ("reporter labels list", "jaicp reporter labels list -o json"),
    (
        "reporter labels create",
        "jaicp reporter labels create urgent --priority 2",
    ),
    (
        "reporter labels add",
        "jaicp reporter labels add --session SESSION_ID --label 3",
    ),
    (
        "reporter labels remove",
        "jaicp reporter labels remove --session SESSION_ID --label 3",
    ),
    (
        "reporter labels add-to-message",
        "jaicp reporter labels add-to-message --message QUESTION_ID --label 4",
    ),
    (
        "reporter experiments",
        "jaicp reporter experiments list --project demo-bot-1-emu",
    ),
    (
        "reporter experiments list",
        "jaicp reporter experiments list --project demo-bot-1-emu -o json",
    ),
    (
        "reporter experiments create",
        "jaicp reporter experiments create --project demo-bot-1-emu greeting --branch a --branch b",
    ),
    (
        "reporter experiments stop",
        "jaicp reporter experiments stop --project demo-bot-1-emu greeting --yes",
    ),
    (
        "text-campaigns",
        "jaicp text-campaigns create --project demo-bot-1-emu Promo\njaicp text-campaigns control --project demo-bot-1-emu 1 stop",
    ),
    (
        "text-campaigns list",
        "jaicp text-campaigns list --project demo-bot-1-emu",
    ),
    (
        "text-campaigns create",
        "jaicp text-campaigns create --project demo-bot-1-emu Promo",
    ),
    (
        "text-campaigns control",
        "jaicp text-campaigns control --project demo-bot-1-emu 1 stop --yes\njaicp text-campaigns control --project demo-bot-1-emu 1 resume",
    ),
    (
        "text-campaigns send-event",
        "jaicp text-campaigns send-event --campaign Promo --bot-id 1-demo-bot-1-emu-1 --client-id alice --event promo",
    ),
    (
        "emulator",
        "jaicp emulator serve --port 0\neval \"$(jaicp emulator env)\"\njaicp emulator reset --yes",
    ),
    (
        "emulator serve",
        "jaicp emulator serve\njaicp emulator serve --port 0 --print-config json\njaicp emulator serve --state ./emulator.json --bind 0.0.0.0",
    ),
    (
        "emulator env",
        "eval \"$(jaicp emulator env)\"\neval \"$(jaicp emulator env --port 9000)\"",
    ),
    (
        "emulator reset",
        "jaicp emulator reset\njaicp emulator reset --yes",
    ),
    (
        "config",
        "jaicp config set host https://app.jaicp.com --profile prod\njaicp config use prod",
    ),
    (
        "config list",
        "jaicp config list\njaicp config list -o json",
    ),
    ("config show", "jaicp config show\njaicp config show prod"),
    (
        "config set",
        "jaicp config set host https://app.jaicp.com --profile prod\n\
         jaicp config set token_file ~/.jaicp/token --profile prod\n\
         jaicp config set campaign_token_env MY_CAMPAIGN_TOKEN --profile prod",
    ),
    ("config use", "jaicp config use prod"),
    (
        "doctor",
        "jaicp doctor --out ./doctor\njaicp doctor --allow chat --out ./doctor",
    ),
    (
        "auth",
        "jaicp auth status\njaicp auth status --profile prod -o json",
    ),
    (
        "auth status",
        "jaicp auth status\njaicp auth status --profile prod -o json",
    ),
    (
        "completions",
        "jaicp completions bash > ~/.local/share/bash-completion/completions/jaicp\n\
         jaicp completions zsh > \"${fpath[1]}/_jaicp\"\n\
         jaicp completions fish > ~/.config/fish/completions/jaicp.fish",
    ),
];

/// The examples of a command path, if any.
pub fn examples(path: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|(p, _)| *p == path).map(|(_, e)| *e)
}

/// Puts the examples into the help of every command of the tree.
pub fn attach(command: clap::Command) -> clap::Command {
    attach_at(command, "")
}

fn attach_at(mut command: clap::Command, path: &str) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |sub| {
            let sub = match examples(&child) {
                Some(text) => sub.after_help(block(text)),
                None => sub,
            };
            attach_at(sub, &child)
        });
    }
    command
}

fn block(text: &str) -> String {
    let mut out = String::from("Examples:");
    for line in text.lines() {
        out.push_str("\n  $ ");
        out.push_str(line.trim_start());
    }
    out
}

#[cfg(test)]
mod tests {
    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for sub in command.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let child = if path.is_empty() {
                sub.get_name().to_owned()
            } else {
                format!("{path} {}", sub.get_name())
            };
            if sub.get_after_help().is_none() {
                missing.push(child.clone());
            }
            walk(sub, &child, missing);
        }
    }

    #[test]
    fn every_command_has_examples() {
        let command = crate::cli::command(crate::terminal::ColorMode::Never);
        let mut missing = Vec::new();
        walk(&command, "", &mut missing);
        assert!(
            missing.is_empty(),
            "commands without examples (add them to examples.rs): {missing:?}"
        );
    }
}
