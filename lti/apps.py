from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3"

    def ready(self) -> None:
        from grader.services import submission_graded
        from lti.services import score_changed

        # a graded Submit may change a score an LMS holds; the grader imports nothing of lti
        submission_graded.connect(score_changed, dispatch_uid="lti.score_changed")
