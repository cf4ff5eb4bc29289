"""Password validators whose messages Django's Chinese translation lacks."""

from django.contrib.auth.password_validation import MinimumLengthValidator as _MinimumLengthValidator


class MinimumLengthValidator(_MinimumLengthValidator):
    """Django 5.2 reworded this message and its zh-hans catalogue has no translation of the new words yet."""

    def get_error_message(self) -> str:
        return f"密码太短，至少要有 {self.min_length} 个字符。"
