//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `input`, if it is close enough to be a likely typo.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Edit distance is quadratic: a typo is short, a pathological value is not worth it.
    if input.len() > 100 {
        return None;
    }
    let limit = (input.chars().count() / 3).max(1);
    let lower = input.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != input)
        .map(|c| {
            let distance = if c.chars().any(char::is_uppercase) {
                strsim::damerau_levenshtein(&lower, &c.to_lowercase())
            } else {
                strsim::damerau_levenshtein(&lower, c)
            };
            (distance, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `did you mean `x`?`, when there is a close candidate.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The help for a date written as a string (`until = "2026-01-01"`): TOML has a date type, and
/// the fix is to drop the quotes. `key` is the key the value was written under, when known.
pub fn quoted_date(message: &str, key: Option<&str>) -> Option<String> {
    let date = message
        .strip_prefix("invalid type: string \"")?
        .strip_suffix("\", expected a TOML datetime")?;
    let key = key.unwrap_or("until");
    Some(format!(
        "a date is a TOML date, without quotes: `{key} = {date}`"
    ))
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" and "unknown variant" errors, whose
/// wording is serde's own (`serde::de::Error::unknown_field`): the closest expected name.
pub fn from_serde_message(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    did_you_mean(unknown, candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_region() {
        let regions = ["cn-shanghai", "cn-shenzhen", "cn-hangzhou"];
        assert_eq!(closest("cn-shangai", regions), Some("cn-shanghai"));
        assert_eq!(closest("eu-west-1", regions), None);
    }

    #[test]
    fn reads_serde_unknown_field_messages() {
        let msg = "unknown field `regon`, expected one of `name`, `kind`, `region`";
        assert_eq!(
            from_serde_message(msg).as_deref(),
            Some("did you mean `region`?")
        );
        assert_eq!(from_serde_message("invalid type: integer"), None);
    }

    #[test]
    fn a_quoted_date_is_told_to_lose_its_quotes() {
        let msg = "invalid type: string \"2026-09-30\", expected a TOML datetime";
        assert_eq!(
            quoted_date(msg, Some("as_of")).as_deref(),
            Some("a date is a TOML date, without quotes: `as_of = 2026-09-30`")
        );
        assert_eq!(quoted_date("invalid type: integer", Some("as_of")), None);
    }
}
