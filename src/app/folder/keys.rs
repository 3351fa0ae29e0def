//! The folder screen's keys: each stage's, and the component the app dispatches to.

use super::*;

impl FolderScreen {
    /// What could not start, said where it was asked: the prompt as submitted, with `why` (bad
    /// input loses nothing); a screen without a prompt (a delete) just says why.
    pub(super) fn back_to_prompt(&self, why: String) -> Stage {
        match &self.last_prompt {
            Some(prompt) => {
                let mut prompt = prompt.clone();
                prompt.error = Some(why);
                Stage::Prompt(prompt)
            }
            None => Stage::Failed(why),
        }
    }

    /// Starts `request` as a new job (answers to the one before are dropped from now on).
    pub(super) fn start(&mut self, app: &mut App, request: FolderRequest) -> Vec<Effect> {
        self.job = app.next_request_id();
        vec![Effect::StartFolderJob {
            job: self.job,
            request,
        }]
    }

    fn submit_prompt(&mut self, app: &mut App) -> Vec<Effect> {
        let Stage::Prompt(prompt) = &mut self.stage else {
            return Vec::new();
        };
        let here = TreeSpec::here(&self.folder);
        let text = prompt.input.text.trim().to_string();
        let request = match self.op {
            FolderOp::Copy | FolderOp::Move | FolderOp::Diff => match prompt.spec() {
                Ok(spec) => {
                    self.other = Some(spec.clone());
                    match self.op {
                        FolderOp::Diff => FolderRequest::Diff {
                            left: here,
                            right: spec,
                        },
                        op => FolderRequest::Plan {
                            kind: if op == FolderOp::Move {
                                PlanKind::Move
                            } else {
                                PlanKind::Copy
                            },
                            source: here,
                            target: Some(spec),
                            options: prompt.options(),
                        },
                    }
                }
                Err(error) => {
                    prompt.error = Some(error);
                    return Vec::new();
                }
            },
            _ if text.is_empty() => {
                prompt.error = Some(match self.op {
                    FolderOp::Search => "Type the string to look for.".into(),
                    _ => "Type the file's path.".into(),
                });
                return Vec::new();
            }
            FolderOp::Import => FolderRequest::PlanImport {
                file: PathBuf::from(&text),
                target: here,
                options: prompt.options(),
            },
            FolderOp::Export => FolderRequest::Export {
                source: here,
                file: PathBuf::from(&text),
                options: ExportOptions {
                    all_versions: prompt.all_versions,
                    custom_metadata: prompt.custom_metadata,
                    force: prompt.replace.is_some(),
                    concurrency: folder::DEFAULT_CONCURRENCY,
                },
            },
            FolderOp::Search => FolderRequest::Grep {
                tree: here,
                needle: SecretText::new(prompt.input.text.clone()),
            },
            FolderOp::Delete => return Vec::new(),
        };
        let needle_chars = prompt.input.text.chars().count();
        if self.op != FolderOp::Search {
            let mut kept = prompt.clone();
            kept.replace = None;
            kept.error = None;
            self.last_prompt = Some(kept);
        }
        self.stage = match self.op {
            FolderOp::Search => Stage::Search(SearchView {
                needle_chars,
                matches: Vec::new(),
                cursor: 0,
                revealed: None,
                state: SearchState::Searching {
                    secrets: 0,
                    checked: None,
                },
                stopping: false,
            }),
            FolderOp::Export => Stage::Running(Running {
                plan: None,
                done: 0,
                total: 0,
                path: String::new(),
                failed: 0,
                listed: 0,
                started: app.clock,
                stopping: false,
            }),
            _ => Stage::Working(Working::default()),
        };
        self.start(app, request)
    }

    fn on_prompt_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        command: Option<Command>,
    ) -> Outcome {
        let fields = self.op.fields();
        let Stage::Prompt(prompt) = &mut self.stage else {
            return Outcome::stay();
        };
        if let Some(question) = &mut prompt.replace {
            let command = app.keymap.command(Scope::Confirm, key);
            match question.answer(key, command, &app.keymap) {
                Answer::Yes => return Outcome::stay().with(self.submit_prompt(app)),
                Answer::No => prompt.replace = None,
                Answer::Undecided => {}
            }
            return Outcome::stay();
        }
        let on_text = matches!(prompt.focus, PromptField::Input | PromptField::Namespace);
        match command {
            Some(Command::Cancel) => return Outcome::close(),
            Some(Command::Submit) => return Outcome::stay().with(self.submit_prompt(app)),
            Some(Command::NextField) => prompt.step_focus(fields, true),
            Some(Command::PreviousField) => prompt.step_focus(fields, false),
            Some(Command::Toggle | Command::NextChoice) if !on_text => prompt.toggle(true),
            Some(Command::PreviousChoice) if !on_text => prompt.toggle(false),
            _ => {
                if let Some(input) = prompt.focused_text()
                    && input.handle_key(key)
                {
                    prompt.error = None;
                }
            }
        }
        Outcome::stay()
    }

    fn on_plan_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        let Stage::Plan(view) = &mut self.stage else {
            return Outcome::stay();
        };
        if let Some(question) = &mut view.question {
            match question.answer(key, command, &app.keymap) {
                Answer::Yes => {
                    view.question = None;
                    return Outcome::stay().with(self.run_plan(app));
                }
                Answer::No => view.question = None,
                Answer::Undecided => {}
            }
            return Outcome::stay();
        }
        let rows = view.rows();
        match command {
            Some(Command::Close) => {
                let what = if view.plan.kind == PlanKind::Delete {
                    "Plan closed: nothing was deleted."
                } else {
                    "Plan closed: nothing was written."
                };
                app.set_status(StatusKind::Info, what);
                return Outcome::close();
            }
            Some(Command::NextChoice) => view.existing = view.existing.next(),
            Some(Command::Submit) => {
                let counts = view.counts;
                if counts.items == 0 {
                    app.set_status(StatusKind::Info, "Nothing to do: the plan has no secrets.");
                    return Outcome::close();
                }
                if view.plan.kind == PlanKind::Delete {
                    let path = view.plan.target.display();
                    view.question = Some(Question::typed("delete", "back to the plan", vec![path]));
                } else if counts.existing > 0 && view.existing == ExistingChoice::Abort {
                    app.set_status(StatusKind::Info, "Aborted: nothing was written.");
                    return Outcome::close();
                } else if counts.existing > 0 && view.existing == ExistingChoice::Overwrite {
                    view.question = Some(Question::yes_no("overwrite", "back to the plan"));
                } else {
                    return Outcome::stay().with(self.run_plan(app));
                }
            }
            Some(command) => view.cursor = moved(view.cursor, rows, command, page(app)),
            None => {}
        }
        Outcome::stay()
    }

    /// The confirmed plan goes to the runtime.
    fn run_plan(&mut self, app: &mut App) -> Vec<Effect> {
        let Stage::Plan(view) = &self.stage else {
            return Vec::new();
        };
        let plan = view.plan.clone();
        let choices = Choices {
            existing: match view.existing {
                ExistingChoice::Overwrite => Existing::Overwrite,
                _ => Existing::Skip,
            },
        };
        self.job = app.next_request_id();
        self.stage = Stage::Running(Running {
            total: plan.items.len(),
            plan: Some(plan.clone()),
            done: 0,
            path: String::new(),
            failed: 0,
            listed: 0,
            started: app.clock,
            stopping: false,
        });
        vec![Effect::RunFolderPlan {
            job: self.job,
            plan,
            choices,
        }]
    }

    fn on_report_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let Stage::Report(view) = &mut self.stage else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Close | Command::Submit) => return Outcome::close(),
            Some(Command::Retry) => {
                let retry = view.report.retry_plan(&view.plan);
                if retry.items.is_empty() {
                    app.set_status(
                        StatusKind::Info,
                        "Nothing failed or was left not run: nothing to retry.",
                    );
                } else {
                    let target = plan_target_label(self.other.as_ref(), &retry);
                    self.stage = Stage::Plan(PlanView::new(SharedPlan::new(retry), target));
                }
            }
            Some(command) => view.cursor = moved(view.cursor, view.rows(), command, page(app)),
            None => {}
        }
        Outcome::stay()
    }

    fn on_diff_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let Stage::Diff(view) = &mut self.stage else {
            return Outcome::stay();
        };
        match command {
            Some(Command::Close | Command::Submit) => return Outcome::close(),
            Some(Command::Reveal) => {
                let changed = matches!(view.rows.get(view.cursor), Some(DiffRow::Changed(..)));
                view.revealed = match view.revealed {
                    Some(row) if row == view.cursor => None,
                    _ if changed => Some(view.cursor),
                    other => other,
                };
            }
            Some(command) => {
                view.cursor = moved(view.cursor, view.rows.len(), command, page(app));
                view.revealed = view.revealed.filter(|row| *row == view.cursor);
            }
            None => {}
        }
        Outcome::stay()
    }

    fn on_search_key(&mut self, app: &mut App, command: Option<Command>) -> Outcome {
        let job = self.job;
        let Stage::Search(view) = &mut self.stage else {
            return Outcome::stay();
        };
        let searching = matches!(view.state, SearchState::Searching { .. });
        match command {
            Some(Command::Close) if searching && !view.stopping => {
                view.stopping = true;
                return Outcome::stay().with(vec![Effect::CancelFolderJob { job }]);
            }
            Some(Command::Close) => return Outcome::close(),
            Some(Command::Reveal) if !view.matches.is_empty() => {
                view.revealed = match view.revealed {
                    Some(i) if i == view.cursor => None,
                    _ => Some(view.cursor),
                };
            }
            Some(Command::Submit) => {
                let Some(found) = view.matches.get(view.cursor) else {
                    return Outcome::stay();
                };
                let path = found.path.clone();
                let mut effects = Vec::new();
                if searching {
                    effects.push(Effect::CancelFolderJob { job });
                }
                return match crate::app::jump::jump_to(app, &path) {
                    Ok(more) => {
                        effects.extend(more);
                        Outcome::close().with(effects)
                    }
                    Err(message) => {
                        app.set_status(StatusKind::Warning, message);
                        Outcome::stay()
                    }
                };
            }
            Some(command) => {
                view.cursor = moved(view.cursor, view.matches.len(), command, page(app));
                view.revealed = view.revealed.filter(|i| *i == view.cursor);
            }
            None => {}
        }
        Outcome::stay()
    }
}

/// Rows a page key moves: the screen's list height, roughly.
fn page(app: &App) -> usize {
    usize::from(app.size.1).saturating_sub(12).max(1)
}

/// The cursor after a moving command over `rows` rows.
fn moved(cursor: usize, rows: usize, command: Command, page: usize) -> usize {
    let last = rows.saturating_sub(1);
    match command {
        Command::Down => (cursor + 1).min(last),
        Command::Up => cursor.saturating_sub(1),
        Command::PageDown => (cursor + page).min(last),
        Command::PageUp => cursor.saturating_sub(page),
        Command::Top => 0,
        Command::Bottom => last,
        _ => cursor,
    }
}

impl Component for FolderScreen {
    fn scope(&self) -> Scope {
        match &self.stage {
            Stage::Prompt(prompt) if prompt.replace.is_some() => Scope::Confirm,
            Stage::Prompt(_) => Scope::FolderPrompt,
            Stage::Plan(view) if view.question.is_some() => Scope::Confirm,
            _ => Scope::Folder,
        }
    }

    fn on_key(&mut self, app: &mut App, key: &KeyEvent, command: Option<Command>) -> Outcome {
        match &mut self.stage {
            Stage::Prompt(_) => self.on_prompt_key(app, key, command),
            Stage::Plan(_) => self.on_plan_key(app, key, command),
            Stage::Report(_) => self.on_report_key(app, command),
            Stage::Diff(_) => self.on_diff_key(app, command),
            Stage::Search(_) => self.on_search_key(app, command),
            Stage::Working(_) => match command {
                // Planning and comparing only read: the job is dropped.
                Some(Command::Close) => {
                    Outcome::close().with(vec![Effect::CancelFolderJob { job: self.job }])
                }
                _ => Outcome::stay(),
            },
            Stage::Running(running) => match command {
                Some(Command::Close) if !running.stopping => {
                    running.stopping = true;
                    Outcome::stay().with(vec![Effect::CancelFolderJob { job: self.job }])
                }
                _ => Outcome::stay(),
            },
            Stage::Failed(_) => match command {
                Some(Command::Close | Command::Submit) => Outcome::close(),
                _ => Outcome::stay(),
            },
        }
    }

    fn on_paste(&mut self, _app: &mut App, text: &str) -> Outcome {
        match &mut self.stage {
            Stage::Prompt(prompt) => {
                if let Some(question) = &mut prompt.replace {
                    question.paste(text);
                } else if let Some(input) = prompt.focused_text() {
                    input.insert_str(text.trim());
                }
            }
            Stage::Plan(view) => {
                if let Some(question) = &mut view.question {
                    question.paste(text);
                }
            }
            _ => {}
        }
        Outcome::stay()
    }

    fn hints(&self, app: &App) -> Vec<(String, String)> {
        let keys = &app.keymap;
        let moving = || {
            (
                keys.pair(Scope::Folder, Command::Up, Command::Down),
                "move".to_string(),
            )
        };
        let hint = |command, what: &str| (keys.key(Scope::Folder, command), what.to_string());
        match &self.stage {
            Stage::Prompt(prompt) => match &prompt.replace {
                Some(question) => question.hints(keys),
                None => {
                    let mut hints = keys.hints(Scope::FolderPrompt, &[Command::Submit]);
                    if self.op.fields().len() > 1 {
                        hints.extend(keys.hints(Scope::FolderPrompt, &[Command::NextField]));
                    }
                    hints.extend(keys.hints(Scope::FolderPrompt, &[Command::Cancel]));
                    hints
                }
            },
            Stage::Working(_) => vec![hint(Command::Close, "stop")],
            Stage::Plan(view) => match &view.question {
                Some(question) => question.hints(keys),
                None => {
                    let mut hints = vec![hint(Command::Submit, "run"), moving()];
                    if view.counts.existing > 0 && view.plan.kind != PlanKind::Delete {
                        hints.push(hint(Command::NextChoice, "existing targets"));
                    }
                    hints.push(hint(Command::Close, "abort"));
                    hints
                }
            },
            Stage::Running(running) if running.stopping => Vec::new(),
            Stage::Running(_) => vec![hint(Command::Close, "stop")],
            Stage::Report(view) => {
                let mut hints = vec![moving()];
                if view.counts.failed > 0 {
                    hints.push(hint(Command::Retry, "retry the failed and not run"));
                }
                hints.push(hint(Command::Close, "close"));
                hints
            }
            Stage::Diff(_) => vec![
                moving(),
                hint(Command::Reveal, "reveal the pair"),
                hint(Command::Close, "close"),
            ],
            Stage::Search(view) => {
                let mut hints = vec![hint(Command::Submit, "open"), moving()];
                hints.push(hint(Command::Reveal, "reveal"));
                let searching = matches!(view.state, SearchState::Searching { .. });
                hints.push(hint(
                    Command::Close,
                    if searching && !view.stopping {
                        "stop"
                    } else {
                        "close"
                    },
                ));
                hints
            }
            Stage::Failed(_) => vec![hint(Command::Close, "close")],
        }
    }
}
