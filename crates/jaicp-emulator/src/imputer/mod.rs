//! The Imputer API: renders a replica template into a real (if tuneless) WAV file.
//!
//! The audio is 16-bit mono PCM at 8 kHz: a sine tone whose pitch depends on the template id,
//! 0.3 s long plus 40 ms per character of the variable values, scaled by `voiceSpeed`. The
//! same request always gives the same bytes.
//!
//! The audio is bounded: at most [`MAX_AUDIO_SECONDS`] (1.92 MB), so its size is in proportion
//! to the request (about 1.3 kB of audio per character at normal speed) up to that cap, and a
//! request whose replica would last longer is refused with 400 rather than rendered. Without
//! the cap a 60 kB query at `voiceSpeed=0.5` asked for 4,800 s (76.8 MB) of audio. JAICP's own
//! limit is not documented; this one is the emulator's.

pub(crate) mod routes;

/// The Imputer token the emulator accepts.
pub const DEFAULT_IMPUTER_TOKEN: &str = "imputer1:0000000000000000000000000000000000c4a7e1";

const SAMPLE_RATE: u32 = 8000;

/// Longest replica the emulator renders.
pub(crate) const MAX_AUDIO_SECONDS: f64 = 120.0;

/// How long the replica lasts, in seconds.
pub(crate) fn duration(chars: usize, speed: f64) -> f64 {
    (0.3 + 0.04 * chars as f64) / speed
}

/// A WAV file of the tone for a replica, or the replica's length in seconds when it is longer
/// than [`MAX_AUDIO_SECONDS`].
pub(crate) fn render(template: &str, chars: usize, speed: f64) -> Result<Vec<u8>, f64> {
    let seconds = duration(chars, speed);
    if seconds.is_nan() || seconds > MAX_AUDIO_SECONDS {
        return Err(seconds);
    }
    let samples = (seconds * f64::from(SAMPLE_RATE)).round() as u32;
    let pitch = 220.0
        + f64::from(
            template
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
                % 440,
        );
    Ok(wav(samples, |i| {
        let t = f64::from(i) / f64::from(SAMPLE_RATE);
        // Short fades at both ends so the tone does not click.
        let fade = (f64::from(i.min(samples - i)) / 80.0).min(1.0);
        (fade * 0.4 * (2.0 * std::f64::consts::PI * pitch * t).sin() * f64::from(i16::MAX)) as i16
    }))
}

/// A 16-bit mono PCM WAV with `samples` samples from `sample`.
pub(crate) fn wav(samples: u32, sample: impl Fn(u32) -> i16) -> Vec<u8> {
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        out.extend_from_slice(&sample(i).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_valid_deterministic_wav() {
        let a = render("greeting", 10, 1.0).unwrap();
        assert_eq!(&a[0..4], b"RIFF");
        assert_eq!(&a[8..16], b"WAVEfmt ");
        let data_len = u32::from_le_bytes([a[40], a[41], a[42], a[43]]) as usize;
        assert_eq!(a.len(), 44 + data_len);
        assert_eq!(data_len, 2 * 5600); // 0.7 s at 8 kHz
        assert_eq!(a, render("greeting", 10, 1.0).unwrap());
        assert!(render("greeting", 10, 2.0).unwrap().len() < a.len());
        assert!(a[44..].iter().any(|b| *b != 0), "not silence");
    }

    #[test]
    fn audio_is_bounded_in_proportion_to_the_input() {
        // D6: a 60 kB query at half speed would be 4,800 s (76.8 MB) of audio.
        assert_eq!(render("t", 60_000, 0.5), Err(duration(60_000, 0.5)));
        let longest = render("t", 2_992, 1.0).unwrap();
        assert!(longest.len() <= 44 + (MAX_AUDIO_SECONDS as usize) * 8000 * 2);
        assert!(render("t", 2_993, 1.0).is_err());
    }
}
