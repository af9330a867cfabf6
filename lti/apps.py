from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3"

    def ready(self) -> None:
        from grader.selectors import submission_read_requested
        from grader.services import submission_graded
        from lti.selectors import allow_link_staff
        from lti.services import score_changed

        # a graded Submit may change a score an LMS holds; the grader imports nothing of lti
        submission_graded.connect(score_changed, dispatch_uid="lti.score_changed")
        # a course's staff open its learners' Submits of a challenge its LMS link opens (submission review)
        submission_read_requested.connect(allow_link_staff, dispatch_uid="lti.allow_link_staff")
