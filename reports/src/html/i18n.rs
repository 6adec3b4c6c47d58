//! The report's words in Japanese and English. Every label, heading and
//! verdict is a field of [`Catalogue`], so a language that lacks one does not
//! compile. Japanese uses the guideline's own terms exactly: 非保持化, 保存,
//! 処理, 通過, カード情報, 機密認証データ.

use hihoji_scanner::findings::{GuidelineCategory, Level, SkipReason};

pub use crate::summary::Lang;

/// The catalogue of `lang`.
pub fn catalogue(lang: Lang) -> &'static Catalogue {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The `lang` attribute of the page.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    }
}

/// Every word the report shows. `{n}`, `{list}` and similar are placeholders
/// filled by the view model.
#[derive(Debug)]
pub struct Catalogue {
    pub title: &'static str,
    pub subtitle: &'static str,
    pub verdict_heading: &'static str,
    pub verdict_retention: &'static str,
    pub verdict_retention_detail: &'static str,
    pub verdict_clean: &'static str,
    pub verdict_clean_detail: &'static str,
    pub verdict_incomplete: &'static str,
    pub verdict_incomplete_detail: &'static str,
    pub verdict_gaps_accepted: &'static str,
    pub verdict_count: &'static str,
    pub list_separator: &'static str,
    pub verdict_blind_spots: &'static str,
    pub verdict_notes_only: &'static str,
    pub counts_caption: &'static str,
    pub category: &'static str,
    pub total: &'static str,
    pub level_error: &'static str,
    pub level_warning: &'static str,
    pub level_note: &'static str,
    pub level_error_means: &'static str,
    pub level_warning_means: &'static str,
    pub level_note_means: &'static str,
    pub stored: &'static str,
    pub processed: &'static str,
    pub transmitted: &'static str,
    pub stored_means: &'static str,
    pub processed_means: &'static str,
    pub transmitted_means: &'static str,
    pub stored_remedy: &'static str,
    pub processed_remedy: &'static str,
    pub transmitted_remedy: &'static str,
    pub scope_heading: &'static str,
    pub host: &'static str,
    pub hosts_merged: &'static str,
    pub roots: &'static str,
    pub started: &'static str,
    pub finished: &'static str,
    pub tool_version: &'static str,
    pub rule_pack: &'static str,
    pub shard: &'static str,
    pub rule_packs_differ: &'static str,
    pub charts_heading: &'static str,
    pub chart_by_category: &'static str,
    pub chart_by_brand: &'static str,
    pub chart_by_directory: &'static str,
    pub chart_empty: &'static str,
    pub findings_heading: &'static str,
    pub findings_none: &'static str,
    pub filter_label: &'static str,
    pub filter_placeholder: &'static str,
    pub filter_all_levels: &'static str,
    pub filter_all_categories: &'static str,
    pub filter_all_rules: &'static str,
    pub filter_all_hosts: &'static str,
    pub filter_shown: &'static str,
    pub sort_hint: &'static str,
    pub col_rule: &'static str,
    pub col_level: &'static str,
    pub col_brand: &'static str,
    pub col_masked: &'static str,
    pub col_where: &'static str,
    pub col_line: &'static str,
    pub col_offset: &'static str,
    pub col_confidence: &'static str,
    pub col_pci_dss: &'static str,
    pub expiry_nearby: &'static str,
    pub accepted: &'static str,
    pub guideline: &'static str,
    pub remedy: &'static str,
    pub rule_help_link: &'static str,
    pub rules_heading: &'static str,
    pub rules_intro: &'static str,
    pub rule_found: &'static str,
    pub coverage_heading: &'static str,
    pub files_scanned: &'static str,
    pub bytes_scanned: &'static str,
    pub by_decoder: &'static str,
    pub decoder: &'static str,
    pub streams: &'static str,
    pub bytes: &'static str,
    pub skipped_heading: &'static str,
    pub skipped_intro: &'static str,
    pub skipped_none: &'static str,
    pub reason: &'static str,
    pub detail: &'static str,
    pub item: &'static str,
    pub notes_heading: &'static str,
    pub notes_intro: &'static str,
    pub notes_none: &'static str,
    pub note_kind: &'static str,
    pub footer_masking: &'static str,
    pub footer_generated: &'static str,
    pub reasons: SkipReasonWords,
    /// What each skip reason means and what to do about it, in a language
    /// other than the scanner's own: its details are English, so they are
    /// shown beside this as technical information (code), never translated
    /// by matching their words.
    pub reasons_explained: Option<SkipReasonWords>,
    /// Where the scanner's (English) details are shown as technical
    /// information (code) rather than as prose: their label.
    pub technical_detail: Option<&'static str>,
    /// Note kinds in words (`tls_flow`, …); kinds not listed are shown as
    /// they are.
    pub note_kinds: &'static [(&'static str, &'static str)],
    /// A file's findings beyond the listed sample: `{n}`.
    pub more_in_json: &'static str,
    /// Findings of files with none listed: `{n}` findings, `{files}` files.
    pub unlisted_in_json: &'static str,
}

/// The words for each [`SkipReason`].
#[derive(Debug)]
pub struct SkipReasonWords {
    pub permission_denied: &'static str,
    pub vanished: &'static str,
    pub too_large: &'static str,
    pub special_file: &'static str,
    pub symlink: &'static str,
    pub pseudo_filesystem: &'static str,
    pub excluded: &'static str,
    pub bomb_limit: &'static str,
    pub corrupt: &'static str,
    pub encrypted: &'static str,
    pub read_error: &'static str,
    pub not_decodable: &'static str,
    pub internal_error: &'static str,
    pub timeout: &'static str,
}

impl Catalogue {
    pub fn level(&self, level: Level) -> &'static str {
        match level {
            Level::Error => self.level_error,
            Level::Warning => self.level_warning,
            Level::Note => self.level_note,
        }
    }

    pub fn category(&self, category: GuidelineCategory) -> &'static str {
        match category {
            GuidelineCategory::Stored => self.stored,
            GuidelineCategory::Processed => self.processed,
            GuidelineCategory::Transmitted => self.transmitted,
        }
    }

    pub fn category_means(&self, category: GuidelineCategory) -> &'static str {
        match category {
            GuidelineCategory::Stored => self.stored_means,
            GuidelineCategory::Processed => self.processed_means,
            GuidelineCategory::Transmitted => self.transmitted_means,
        }
    }

    pub fn category_remedy(&self, category: GuidelineCategory) -> &'static str {
        match category {
            GuidelineCategory::Stored => self.stored_remedy,
            GuidelineCategory::Processed => self.processed_remedy,
            GuidelineCategory::Transmitted => self.transmitted_remedy,
        }
    }

    pub fn reason(&self, reason: SkipReason) -> &'static str {
        let r = &self.reasons;
        match reason {
            SkipReason::PermissionDenied => r.permission_denied,
            SkipReason::Vanished => r.vanished,
            SkipReason::TooLarge => r.too_large,
            SkipReason::SpecialFile => r.special_file,
            SkipReason::Symlink => r.symlink,
            SkipReason::PseudoFilesystem => r.pseudo_filesystem,
            SkipReason::Excluded => r.excluded,
            SkipReason::BombLimit => r.bomb_limit,
            SkipReason::Corrupt => r.corrupt,
            SkipReason::Encrypted => r.encrypted,
            SkipReason::ReadError => r.read_error,
            SkipReason::NotDecodable => r.not_decodable,
            SkipReason::InternalError => r.internal_error,
            SkipReason::Timeout => r.timeout,
        }
    }

    /// A note kind in words; kinds this catalogue does not know are shown as they are.
    pub fn note_kind<'k>(&self, kind: &'k str) -> &'k str {
        self.note_kinds
            .iter()
            .find(|(key, _)| *key == kind)
            .map_or(kind, |(_, words)| words)
    }

    /// What `reason` means and what to do, when this language explains the
    /// scanner's (English) details rather than showing them as they are.
    pub fn reason_explained(&self, reason: SkipReason) -> Option<&'static str> {
        let r = self.reasons_explained.as_ref()?;
        Some(match reason {
            SkipReason::PermissionDenied => r.permission_denied,
            SkipReason::Vanished => r.vanished,
            SkipReason::TooLarge => r.too_large,
            SkipReason::SpecialFile => r.special_file,
            SkipReason::Symlink => r.symlink,
            SkipReason::PseudoFilesystem => r.pseudo_filesystem,
            SkipReason::Excluded => r.excluded,
            SkipReason::BombLimit => r.bomb_limit,
            SkipReason::Corrupt => r.corrupt,
            SkipReason::Encrypted => r.encrypted,
            SkipReason::ReadError => r.read_error,
            SkipReason::NotDecodable => r.not_decodable,
            SkipReason::InternalError => r.internal_error,
            SkipReason::Timeout => r.timeout,
        })
    }
}

pub static JA: Catalogue = Catalogue {
    title: "カード情報 非保持化 調査報告書",
    subtitle: "クレジットカード・セキュリティガイドラインにおけるカード情報の保存・処理・通過の調査（hihoji）",
    verdict_heading: "判定",
    verdict_retention: "カード情報の保持が見つかりました：調査範囲は非保持化の状態ではありません。",
    verdict_retention_detail: "{list}：カード情報（カード番号または機密認証データ）が見つかりました。下記の検出結果ごとに対処してください。",
    verdict_clean: "調査範囲にカード情報の保持は見つかりませんでした。",
    verdict_clean_detail: "{files} ファイル（{bytes}）を調査し、カード情報の保存・処理・通過を示すものはありませんでした。",
    verdict_incomplete: "判定不能（調査未完了）：読み取れなかったものがあるため、非保持化を確認できていません。",
    verdict_incomplete_detail: "{files} ファイル（{bytes}）を調査してカード情報は見つかりませんでしたが、調査範囲の {gaps} 件（読み取り権限がない、破損、暗号化、読めない圧縮形式、上限超過など）を読み取れませんでした。これらを読み取れるようにして再調査するまで、合格とはいえません。",
    verdict_gaps_accepted: "読み取れなかったものは --accept-gaps により許容されています（終了コード 0）。",
    verdict_count: "{category} {n} 件",
    list_separator: "、",
    verdict_blind_spots: "ただし {n} 件は調査できませんでした。これらは判定に含まれません（「調査できなかったもの」を参照）。",
    verdict_notes_only: "マスク済みまたはテスト用のカード番号 {n} 件を注記として記載しています（非保持化の違反ではありません）。",
    counts_caption: "ガイドライン区分と重大度ごとの件数",
    category: "区分",
    total: "合計",
    level_error: "エラー",
    level_warning: "警告",
    level_note: "注記",
    level_error_means: "機密認証データ（磁気ストライプ情報、セキュリティコード）",
    level_warning_means: "カード番号（全桁）",
    level_note_means: "マスク済み・テスト用カード番号",
    stored: "保存",
    processed: "処理",
    transmitted: "通過",
    stored_means: "ファイル、アーカイブ、データベース、ログに記録されたカード情報",
    processed_means: "プロセスのメモリ、コアダンプ、スワップ上のカード情報",
    transmitted_means: "自社の機器・ネットワークを通過する通信上のカード情報",
    stored_remedy: "データとその複製（バックアップ、エクスポート、ログ）を削除するか、先頭6桁・末尾4桁に切り詰めてください。保存が必要なら決済代行会社（PSP）のトークンに置き換え、保存を決済代行会社へ移してください。",
    processed_remedy: "カード情報を扱うプロセスを特定し、決済代行会社のトークンやリンク型・JavaScript 型の決済画面に切り替えて、カード情報が自社の機器で処理されないようにしてください。ダンプやスワップは削除してください。",
    transmitted_remedy: "カード情報が自社の機器・ネットワークを通過しないよう、リダイレクト（リンク）型または JavaScript 型（トークン）の決済画面に切り替えてください。",
    scope_heading: "調査範囲",
    host: "ホスト名",
    hosts_merged: "統合した報告（{n} 件）",
    roots: "調査対象",
    started: "開始",
    finished: "終了",
    tool_version: "hihoji バージョン",
    rule_pack: "ルールパック",
    shard: "分割（shard）",
    rule_packs_differ: "統合した報告の間でルールパックが異なります。検出結果を比較する際は注意してください。",
    charts_heading: "概観",
    chart_by_category: "区分ごとの検出件数",
    chart_by_brand: "ブランドごとの検出件数",
    chart_by_directory: "検出件数の多いディレクトリ",
    chart_empty: "該当なし",
    findings_heading: "検出結果",
    findings_none: "検出結果はありません。",
    filter_label: "絞り込み",
    filter_placeholder: "ファイル名、マスク済み番号、ブランドなどで検索",
    filter_all_levels: "すべての重大度",
    filter_all_categories: "すべての区分",
    filter_all_rules: "すべてのルール",
    filter_all_hosts: "すべてのホスト",
    filter_shown: "件を表示",
    sort_hint: "列見出しをクリックすると並べ替えます。",
    col_rule: "ルール",
    col_level: "重大度",
    col_brand: "ブランド",
    col_masked: "マスク済みの値",
    col_where: "場所（来歴）",
    col_line: "行:桁",
    col_offset: "オフセット",
    col_confidence: "確度",
    col_pci_dss: "PCI DSS",
    expiry_nearby: "有効期限あり",
    accepted: "受け入れ済み（ベースラインまたは許可コメント）",
    guideline: "ガイドライン",
    remedy: "対処",
    rule_help_link: "対処の詳細",
    rules_heading: "ルールと対処",
    rules_intro: "各ルールが見つけるものと対処の方法（ルールパックの説明文より）。",
    rule_found: "検出 {n} 件",
    coverage_heading: "調査の網羅性",
    files_scanned: "調査したファイル",
    bytes_scanned: "読み取った量",
    by_decoder: "形式（デコーダ）ごとの調査量",
    decoder: "デコーダ",
    streams: "ストリーム数",
    bytes: "バイト数",
    skipped_heading: "調査できなかったもの（死角）",
    skipped_intro: "以下は調査できなかった、または一部しか調査できなかったものです。ここにカード情報が保持されていても、この報告書では分かりません。",
    skipped_none: "調査できなかったものはありません。",
    reason: "理由",
    detail: "詳細",
    item: "対象",
    notes_heading: "注記（暗号化された通信など）",
    notes_intro: "検出結果でも調査漏れでもないが、監査人が知っておくべき事項です。暗号化（TLS）された通信は内容を読めないため、カード情報の通過の有無は判断できません。",
    notes_none: "注記はありません。",
    note_kind: "種類",
    footer_masking: "この報告書にカード番号の全桁、磁気ストライプ情報、セキュリティコードは含まれません。カード番号は先頭6桁と末尾4桁のみを表示しています。",
    footer_generated: "hihoji {version} により作成",
    reasons: SkipReasonWords {
        permission_denied: "読み取り権限がない",
        vanished: "調査中に消えた",
        too_large: "サイズ上限を超える",
        special_file: "特殊ファイル（FIFO・デバイスなど）",
        symlink: "シンボリックリンク（たどっていない）",
        pseudo_filesystem: "カーネルの疑似ファイルシステム",
        excluded: "除外指定に一致",
        bomb_limit: "展開の上限（圧縮爆弾対策）",
        corrupt: "破損・途中で切れている",
        encrypted: "暗号化されていて読めない",
        read_error: "読み取りエラー",
        not_decodable: "圧縮または暗号化されていて読めない形式",
        internal_error: "hihoji 内部の障害（このファイルのみ）",
        timeout: "タイムアウト",
    },
    reasons_explained: Some(SkipReasonWords {
        permission_denied: "hihoji を実行した利用者（データベースでは接続したロール）に読み取り権限がありません。管理者権限で実行するか読み取り権限を与えて、再調査してください。",
        vanished: "一覧を作ってから読み取るまでの間に削除または移動されました。移動先が調査範囲の外なら、そこも調査してください。",
        too_large: "ファイルの大きさが調査の上限を超えたため、読み取っていません。上限（--max-file-size）を引き上げて再調査してください。",
        special_file: "FIFO・ソケット・デバイスなどの特殊ファイルは、読み取りが終わらないことがあるため調査の対象外です。",
        symlink: "シンボリックリンクはたどっていません。リンク先が調査範囲の中にあれば、そちらで調査されます。",
        pseudo_filesystem: "カーネルが見せる疑似ファイルシステム（/proc、/sys など）は保存されたデータではないため、調査の対象外です。",
        excluded: "除外の指定（--exclude や無視ファイル）に一致したか、hihoji 自身のファイルであるため、調査の対象外としました。",
        bomb_limit: "展開後の大きさ・圧縮率・入れ子の深さ・メンバー数のいずれかが上限（圧縮爆弾対策）に達したため、その先を読み取っていません。上限を引き上げて再調査してください。",
        corrupt: "破損しているか途中で切れています。破損箇所より前に読み取れた部分は調査済みです。",
        encrypted: "暗号化されているため内容を読み取れません。復号した状態で調査してください。",
        read_error: "読み取りの途中でエラーになりました。読み取れた部分は調査済みです。原因を取り除いて再調査してください。",
        not_decodable: "hihoji が展開できない圧縮形式か、暗号化されたデータに見えます。そのままのバイト列は調査しましたが、内容は読めていません。",
        internal_error: "hihoji 内部の障害により、この対象の調査を中断しました。ほかの対象の調査は続けています。",
        timeout: "データベースサーバが、文の実行時間またはロック待ちの上限で読み取りを中止しました。",
    }),
    technical_detail: Some("技術情報"),
    note_kinds: &[
        ("tls_flow", "TLS で暗号化された通信（内容は読めません）"),
        ("undecoded_frames", "解析できなかったフレーム（内容は調査していません）"),
        ("tcp_gap", "キャプチャに含まれない TCP の欠落部分"),
        ("tcp_conflict", "再送で内容が食い違う TCP セグメント"),
        ("tcp_flow_split", "メモリ上限のため分割して調査した TCP の通信"),
        ("baseline_stale", "見つからなくなったベースライン項目"),
        ("database_table", "データベースのテーブル"),
        ("no_matching_process", "該当するプロセスなし"),
        ("scanner_itself", "hihoji 自身のプロセス（調査対象外）"),
        ("git_submodule", "git のサブモジュール（別に調査が必要）"),
        ("kernel_threads", "カーネルスレッド（ユーザー空間のメモリなし）"),
        ("exited_processes", "調査前に終了したプロセス"),
    ],
    more_in_json: "ほか {n} 件は JSON レポートに記載",
    unlisted_in_json: "ほか {files} ファイルの {n} 件は JSON レポートにのみ記載",
};

pub static EN: Catalogue = Catalogue {
    title: "Card-data non-retention report (カード情報 非保持化)",
    subtitle: "Card data stored (保存), processed (処理) or transmitted (通過), as the Japanese Credit Card Security Guidelines define retention — scanned by hihoji",
    verdict_heading: "Verdict",
    verdict_retention: "Card data is retained: the scanned scope is not non-retaining (非保持化).",
    verdict_retention_detail: "Card data (card numbers or sensitive authentication data) was found: {list}. Act on each finding below.",
    verdict_clean: "No retention of card data was found in the scanned scope.",
    verdict_clean_detail: "{files} files ({bytes}) were scanned; none shows card data stored, processed or transmitted.",
    verdict_incomplete: "Incomplete: something in scope could not be read, so non-retention (非保持化) is not shown.",
    verdict_incomplete_detail: "{files} files ({bytes}) were scanned without finding card data, but {gaps} item(s) in scope could not be read (permission denied, damaged, encrypted, an unreadable compressed format, a limit hit, …). This is not a pass until they are read.",
    verdict_gaps_accepted: "The unread items are accepted with --accept-gaps (exit code 0).",
    verdict_count: "{category} {n}",
    list_separator: ", ",
    verdict_blind_spots: "However, {n} item(s) could not be scanned and are not covered by this verdict (see “Not scanned”).",
    verdict_notes_only: "{n} masked or public test card number(s) are listed as notes (these do not break non-retention).",
    counts_caption: "Findings by guideline category and severity",
    category: "Category",
    total: "Total",
    level_error: "Error",
    level_warning: "Warning",
    level_note: "Note",
    level_error_means: "sensitive authentication data (機密認証データ: track data, security codes)",
    level_warning_means: "full card numbers",
    level_note_means: "masked and public test card numbers",
    stored: "Stored (保存)",
    processed: "Processed (処理)",
    transmitted: "Transmitted (通過)",
    stored_means: "card data at rest in files, archives, databases and logs",
    processed_means: "card data in process memory, core dumps and swap",
    transmitted_means: "card data passing through the merchant's equipment or network",
    stored_remedy: "Delete the data and its copies (backups, exports, logs), or truncate it to the first 6 and last 4 digits. Where it must be kept, replace it with the payment service provider's token and move storage to the PSP.",
    processed_remedy: "Find the process that handles card data and switch to the payment service provider's token or a redirect/link-type or JavaScript-token payment page, so card data is never processed on your equipment. Delete dumps and swap files.",
    transmitted_remedy: "Switch to a redirect/link-type or JavaScript-token payment page so card data never passes through your equipment or network.",
    scope_heading: "Scope",
    host: "Host",
    hosts_merged: "Merged report ({n} inputs)",
    roots: "Scanned paths",
    started: "Started",
    finished: "Finished",
    tool_version: "hihoji version",
    rule_pack: "Rule pack",
    shard: "Shard",
    rule_packs_differ: "The merged reports used different rule packs; compare their findings with care.",
    charts_heading: "At a glance",
    chart_by_category: "Findings per category",
    chart_by_brand: "Findings per brand",
    chart_by_directory: "Directories with the most findings",
    chart_empty: "none",
    findings_heading: "Findings",
    findings_none: "No findings.",
    filter_label: "Filter",
    filter_placeholder: "Search file names, masked numbers, brands…",
    filter_all_levels: "All severities",
    filter_all_categories: "All categories",
    filter_all_rules: "All rules",
    filter_all_hosts: "All hosts",
    filter_shown: "shown",
    sort_hint: "Click a column heading to sort.",
    col_rule: "Rule",
    col_level: "Severity",
    col_brand: "Brand",
    col_masked: "Masked value",
    col_where: "Where (provenance)",
    col_line: "Line:col",
    col_offset: "Offset",
    col_confidence: "Confidence",
    col_pci_dss: "PCI DSS",
    expiry_nearby: "expiry nearby",
    accepted: "accepted (baseline or allow comment)",
    guideline: "Guideline",
    remedy: "What to do",
    rule_help_link: "remediation",
    rules_heading: "Rules and remediation",
    rules_intro: "What each rule finds and what to do about it (from the rule pack's help).",
    rule_found: "{n} found",
    coverage_heading: "Coverage",
    files_scanned: "Files scanned",
    bytes_scanned: "Bytes read",
    by_decoder: "Scanned per format (decoder)",
    decoder: "Decoder",
    streams: "Streams",
    bytes: "Bytes",
    skipped_heading: "Not scanned (blind spots)",
    skipped_intro: "These items could not be scanned, or only in part. Card data kept in them would not show in this report.",
    skipped_none: "Nothing was left unscanned.",
    reason: "Reason",
    detail: "Detail",
    item: "Item",
    notes_heading: "Notes (encrypted flows and more)",
    notes_intro: "Neither findings nor blind spots, but an auditor should know them. Encrypted (TLS) flows cannot be read, so whether card data passes through them cannot be told.",
    notes_none: "No notes.",
    note_kind: "Kind",
    footer_masking: "This report contains no full card number, track data or security code: card numbers show only their first 6 and last 4 digits.",
    footer_generated: "Generated by hihoji {version}",
    reasons: SkipReasonWords {
        permission_denied: "permission denied",
        vanished: "disappeared during the scan",
        too_large: "over the size limit",
        special_file: "special file (FIFO, device, …)",
        symlink: "symbolic link (not followed)",
        pseudo_filesystem: "kernel pseudo-filesystem",
        excluded: "matches an exclude pattern",
        bomb_limit: "decompression limit (bomb protection)",
        corrupt: "damaged or truncated",
        encrypted: "encrypted, cannot be read",
        read_error: "read error",
        not_decodable: "compressed or encrypted in a format hihoji cannot read",
        internal_error: "hihoji faulted on this item (this item only)",
        timeout: "timeout",
    },
    reasons_explained: None,
    technical_detail: None,
    note_kinds: &[("tls_flow", "TLS-encrypted flow (payload unreadable)")],
    more_in_json: "+{n} more in the JSON report",
    unlisted_in_json: "{n} more findings in {files} more files are listed in the JSON report only",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_uses_the_guideline_terms() {
        assert_eq!(JA.stored, GuidelineCategory::Stored.japanese());
        assert_eq!(JA.processed, GuidelineCategory::Processed.japanese());
        assert_eq!(JA.transmitted, GuidelineCategory::Transmitted.japanese());
        assert!(JA.verdict_retention.contains("非保持化"));
        assert!(JA.verdict_retention.contains("カード情報"));
        assert!(JA.level_error_means.contains("機密認証データ"));
    }
}
